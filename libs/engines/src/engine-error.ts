import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@app/common';
import type { BackendResponse } from '@app/gateway';

/** What the errors below read of an engine's answer: a traffic call's response or a discovery probe's. */
export type EngineAnswerFacts = Pick<BackendResponse, 'status' | 'headers' | 'body' | 'instanceId'>;

/**
 * An engine answered, but not with a result. `retryable` tells the pipeline whether another attempt can
 * succeed: a 5xx or a 429 (LibreTranslate's back-pressure) may, a 4xx (bad input, missing language pair,
 * wrong API key) will not.
 */
export class EngineError extends ApiError {
  constructor(
    status: HttpStatus,
    code: string,
    message: string,
    readonly retryable: boolean,
    details: Record<string, unknown> = {},
  ) {
    super(status, code, message, details);
    this.name = 'EngineError';
  }
}

/** The gateway's client rejects with these codes when no answer could be had at all; all are transient. */
const TRANSIENT_GATEWAY_CODES = new Set([
  'BACKEND_UNAVAILABLE',
  'BACKEND_TIMEOUT',
  'CIRCUIT_OPEN',
  'BAD_GATEWAY',
  'OVERLOADED',
]);

/** Whether a failed engine call is worth another attempt. Unknown errors are retried: a bug shows as failure. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof EngineError) return error.retryable;
  if (error instanceof ApiError)
    return TRANSIENT_GATEWAY_CODES.has(error.code) || Number(error.status) >= 500;
  return true;
}

/** Engines report errors as `{ error }` (Flask services, LibreTranslate) or `{ message }` (APY). */
function backendMessage(response: EngineAnswerFacts): string {
  const text = response.body.toString('utf8');
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; explanation?: unknown };
    const parts = [body.error, body.message, body.explanation].filter((p) => typeof p === 'string');
    if (parts.length > 0) return parts.join(': ');
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200) || `HTTP ${response.status}`;
}

/** Turns a non-2xx engine answer into an EngineError naming the engine, its instance and its own words. */
export function engineFailure(engine: string, response: EngineAnswerFacts): EngineError {
  const where = `${engine}@${response.instanceId}`;
  const reason = backendMessage(response);
  const details = { backend: where, backend_status: response.status };
  if (response.status === 429) {
    const retryAfter = Number(response.headers['retry-after']);
    return new EngineError(
      HttpStatus.SERVICE_UNAVAILABLE,
      'ENGINE_RATE_LIMITED',
      `${where} asks to slow down: ${reason}`,
      true,
      Number.isFinite(retryAfter) ? { ...details, retry_after_seconds: retryAfter } : details,
    );
  }
  if (response.status >= 500) {
    return new EngineError(
      HttpStatus.BAD_GATEWAY,
      'ENGINE_FAILED',
      `${where} failed: ${reason}`,
      true,
      details,
    );
  }
  return new EngineError(
    HttpStatus.BAD_GATEWAY,
    'ENGINE_REJECTED',
    `${where} rejected the request: ${reason}`,
    false,
    details,
  );
}

/** A 2xx answer whose body does not have the contract's shape. Retrying will not fix a protocol mismatch. */
export function malformedAnswer(engine: string, response: EngineAnswerFacts, expected: string): EngineError {
  return new EngineError(
    HttpStatus.BAD_GATEWAY,
    'ENGINE_PROTOCOL',
    `${engine}@${response.instanceId} answered without ${expected}`,
    false,
    { backend: `${engine}@${response.instanceId}` },
  );
}

/** Parses a 2xx JSON body or explains that it was not JSON. */
export function jsonBody<T>(engine: string, response: EngineAnswerFacts): T {
  try {
    return JSON.parse(response.body.toString('utf8')) as T;
  } catch {
    throw malformedAnswer(engine, response, 'a JSON body');
  }
}
