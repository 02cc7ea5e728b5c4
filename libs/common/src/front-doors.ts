import type { ErrorBody } from './api-error';

/**
 * The routes that speak another product's API so that its existing clients work unchanged: OpenAI's
 * speech-to-text (`/v1/*`, CONTRACTS §2) and LibreTranslate's (`/translate`, `/languages`, `/detect`). The
 * request gate treats them as backend traffic (API keys, the proxy rate limit), and every error on them,
 * the gate's own refusals included, is written in that product's error shape, which its clients parse.
 */
export type FrontDoor = 'openai' | 'libretranslate';

export const LIBRETRANSLATE_PATHS = ['/translate', '/languages', '/detect'] as const;

function pathOf(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

/** The front door a request came in by; undefined for the orchestrator's own API. */
export function frontDoorOf(url: string): FrontDoor | undefined {
  const path = pathOf(url);
  if (path === '/v1' || path.startsWith('/v1/')) return 'openai';
  if ((LIBRETRANSLATE_PATHS as readonly string[]).includes(path)) return 'libretranslate';
  return undefined;
}

/** OpenAI's `code` where it has its own name for the failure; otherwise ours, in its lower case. */
const OPENAI_CODES: Record<string, string> = {
  UNAUTHORIZED: 'invalid_api_key',
  FORBIDDEN: 'invalid_api_key',
  RATE_LIMITED: 'rate_limit_exceeded',
};

/** OpenAI's error `type` by status: `requests` is what it says for a rate limit. */
function openAiType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The field an error is about: set explicitly (`param`), else the first invalid field. */
function paramOf(error: ErrorBody['error']): string | null {
  if (typeof error.param === 'string') return error.param;
  const fields = error.fields;
  if (Array.isArray(fields) && typeof (fields[0] as { field?: unknown } | undefined)?.field === 'string') {
    return (fields[0] as { field: string }).field;
  }
  return null;
}

/**
 * An error of ours in the front door's own shape. OpenAI: `{ error: { message, type, param, code } }`.
 * LibreTranslate: `{ error: "<message>" }`, and a language or pair it does not serve is a 400 there.
 */
export function inFrontDoorDialect(
  frontDoor: FrontDoor,
  status: number,
  body: ErrorBody,
): { status: number; body: unknown } {
  const { error } = body;
  if (frontDoor === 'libretranslate') {
    return { status: status === 422 ? 400 : status, body: { error: error.message } };
  }
  return {
    status,
    body: {
      error: {
        message: error.message,
        type: openAiType(status),
        param: paramOf(error),
        code: OPENAI_CODES[error.code] ?? error.code.toLowerCase(),
      },
    },
  };
}
