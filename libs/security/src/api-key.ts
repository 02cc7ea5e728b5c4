import { createHash } from 'node:crypto';
import { bearerToken, secretsEqual } from './constant-time';

type HeaderValue = string | string[] | undefined;

/** What a request or handshake presented against the configured API keys. */
export type ApiKeyVerdict =
  | { outcome: 'open' }
  | { outcome: 'accepted'; keyId: string }
  | { outcome: 'missing' }
  | { outcome: 'invalid' };

/** The key from `X-API-Key`, or else from `Authorization: Bearer`. */
export function presentedApiKey(headers: {
  authorization?: HeaderValue;
  'x-api-key'?: HeaderValue;
}): string | undefined {
  const explicit = headers['x-api-key'];
  const value = Array.isArray(explicit) ? explicit[0] : explicit;
  if (value && value.trim() !== '') return value.trim();
  return bearerToken(headers.authorization);
}

/**
 * A stable, non-secret name for a key, used for rate-limit buckets and logs so the key itself is never
 * written to Redis or to a log line.
 */
export function apiKeyId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * Checks a presented key against every configured key in constant time (no early exit on a match either,
 * so timing does not tell which position matched). No configured keys means the routes are open.
 */
export function verifyApiKey(presented: string | undefined, configured: readonly string[]): ApiKeyVerdict {
  if (configured.length === 0) return { outcome: 'open' };
  if (!presented) return { outcome: 'missing' };
  let matched = false;
  for (const key of configured) matched = secretsEqual(presented, key) || matched;
  return matched ? { outcome: 'accepted', keyId: apiKeyId(presented) } : { outcome: 'invalid' };
}
