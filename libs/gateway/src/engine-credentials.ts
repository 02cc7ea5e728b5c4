/**
 * How each engine kind takes its API key (CONTRACTS §4): OpenAI-compatible servers read
 * `Authorization: Bearer`, LibreTranslate an `api_key` field of the request; whisper.cpp, Apertium and the
 * platform's own services take none. Both the engine adapters and the proxy use this table, so a key
 * reaches an engine in the same form whichever way the call goes.
 */
export type CredentialForm = 'bearer' | 'api_key_field' | 'none';

const CREDENTIAL_FORMS: Readonly<Record<string, CredentialForm>> = {
  livetranslate: 'none',
  openai: 'bearer',
  'whisper-cpp': 'none',
  libretranslate: 'api_key_field',
  apertium: 'none',
};

export interface EngineCredential {
  /** Headers that carry the key. */
  headers: Record<string, string>;
  /** A request field (JSON body member or query/form parameter) that carries the key. */
  field?: { name: string; value: string };
}

const NO_CREDENTIAL: EngineCredential = { headers: {} };

export function credentialForm(kind: string): CredentialForm {
  return CREDENTIAL_FORMS[kind] ?? 'none';
}

/** The engine's own configured key in the form its kind expects; nothing when none is configured. */
export function engineCredential(kind: string, apiKey: string | undefined): EngineCredential {
  if (!apiKey) return NO_CREDENTIAL;
  switch (credentialForm(kind)) {
    case 'bearer':
      return { headers: { authorization: `Bearer ${apiKey}` } };
    case 'api_key_field':
      return { headers: {}, field: { name: 'api_key', value: apiKey } };
    case 'none':
      return NO_CREDENTIAL;
  }
}
