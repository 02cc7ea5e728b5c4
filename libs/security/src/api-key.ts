import { HttpStatus } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ApiError, frontDoorOf } from '@app/common';
import { bearerToken, secretsEqual } from './constant-time';

type HeaderValue = string | string[] | undefined;

/** What a request or handshake presented against the configured API keys. */
export type ApiKeyVerdict =
  | { outcome: 'open' }
  | { outcome: 'accepted'; keyId: string }
  | { outcome: 'missing' }
  | { outcome: 'invalid' };

/**
 * The key from `X-API-Key`, or else from `Authorization: Bearer` (what the OpenAI SDKs send), or else, on
 * the LibreTranslate front door whose clients put it there, from the `api_key` query parameter of `url`.
 */
export function presentedApiKey(
  headers: { authorization?: HeaderValue; 'x-api-key'?: HeaderValue },
  url?: string,
): string | undefined {
  const explicit = headers['x-api-key'];
  const value = Array.isArray(explicit) ? explicit[0] : explicit;
  if (value && value.trim() !== '') return value.trim();
  const bearer = bearerToken(headers.authorization);
  if (bearer || url === undefined || frontDoorOf(url) !== 'libretranslate') return bearer;
  const queryAt = url.indexOf('?');
  const inQuery = queryAt === -1 ? null : new URLSearchParams(url.slice(queryAt + 1)).get('api_key');
  return inQuery?.trim() || undefined;
}

/** LibreTranslate's POST routes take `api_key` in the (JSON or form) body, checked once it is parsed. */
export function apiKeyMayBeInBody(method: string, url: string): boolean {
  return method.toUpperCase() === 'POST' && frontDoorOf(url) === 'libretranslate';
}

export function missingApiKeyError(url: string): ApiError {
  const inBody = frontDoorOf(url) === 'libretranslate' ? ', or "api_key" in the body or query' : '';
  return new ApiError(
    HttpStatus.UNAUTHORIZED,
    'UNAUTHORIZED',
    `This route needs an API key: "X-API-Key: <key>" or "Authorization: Bearer <key>"${inBody}`,
    {},
    { 'www-authenticate': 'Bearer realm="api"' },
  );
}

export function invalidApiKeyError(): ApiError {
  return new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN', 'The API key is not valid');
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
