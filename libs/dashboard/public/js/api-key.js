/**
 * The API key for servers started with API_KEYS: the WebSocket handshake and the pipeline routes need it.
 * Kept in this browser's session storage only (gone with the tab), never in a URL.
 */
const STORAGE_KEY = 'livetranslate.api_key';

export function apiKey() {
  return sessionStorage.getItem(STORAGE_KEY) ?? '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(STORAGE_KEY, key);
  else sessionStorage.removeItem(STORAGE_KEY);
}
