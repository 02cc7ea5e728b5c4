import { el } from './dom.js';

/**
 * The API key for servers started with API_KEYS: the WebSocket handshake and the pipeline routes need it.
 * Kept in this browser's session storage only (gone with the tab), never in a URL.
 */
const STORAGE_KEY = 'livetranslate.api_key';

export function apiKey() {
  return sessionStorage.getItem(STORAGE_KEY) ?? '';
}

/** 'change' when a key is entered anywhere on the page, so every user of it can retry. */
export const apiKeyEvents = new EventTarget();

export function setApiKey(key) {
  if (key) sessionStorage.setItem(STORAGE_KEY, key);
  else sessionStorage.removeItem(STORAGE_KEY);
  apiKeyEvents.dispatchEvent(new Event('change'));
}

/** A small form asking for the key; onSaved runs after it is stored (e.g. to send a refused upload again). */
export function apiKeyForm(onSaved = () => {}) {
  const input = el('input', { type: 'password', name: 'api_key', autocomplete: 'off', required: true });
  const form = el(
    'form',
    { class: 'row api-key-form' },
    el('label', {}, 'API key', input),
    el('button', { type: 'submit', class: 'primary' }, 'Use this key'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setApiKey(input.value.trim());
    onSaved();
  });
  return form;
}
