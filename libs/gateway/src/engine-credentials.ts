import { engineKindFacts, type ServiceName } from '@app/config';

export interface EngineCredential {
  /** Headers that carry the key. */
  headers: Record<string, string>;
  /** A request field (JSON body member or query/form parameter) that carries the key. */
  field?: { name: string; value: string };
}

const NO_CREDENTIAL: EngineCredential = { headers: {} };

/**
 * The engine's own configured key in the form its kind reads (ENGINE_KINDS `credential`); nothing when none
 * is configured. Both the engine adapters and the proxy use this, so a key reaches an engine in the same
 * form whichever way the call goes.
 */
export function engineCredential(
  service: ServiceName,
  kind: string,
  apiKey: string | undefined,
): EngineCredential {
  if (!apiKey) return NO_CREDENTIAL;
  switch (engineKindFacts(service, kind).credential) {
    case 'bearer':
      return { headers: { authorization: `Bearer ${apiKey}` } };
    case 'api_key_field':
      return { headers: {}, field: { name: 'api_key', value: apiKey } };
    case 'none':
      return NO_CREDENTIAL;
  }
}
