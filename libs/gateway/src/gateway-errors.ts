import { HttpStatus } from '@nestjs/common';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  IsolatedCircuitError,
  TaskCancelledError,
} from 'cockatiel';
import { ApiError, GATEWAY_SUCCESS_OUTCOME } from '@app/common';
import type { ServiceName } from '@app/config';

export type GatewayErrorCode =
  'BACKEND_UNAVAILABLE' | 'BACKEND_TIMEOUT' | 'CIRCUIT_OPEN' | 'BAD_GATEWAY' | 'OVERLOADED' | 'BAD_PATH';

/** Label values of orchestration_gateway_requests_total{outcome}. */
export const GATEWAY_OUTCOMES = [
  GATEWAY_SUCCESS_OUTCOME,
  'error',
  'timeout',
  'circuit_open',
  'overloaded',
  'bad_path',
] as const;
export type GatewayOutcome = (typeof GATEWAY_OUTCOMES)[number];

/** No instance of the service may take the call: all down, or the healthy ones have open breakers. */
export class NoInstanceAvailableError extends Error {
  constructor(readonly reason: 'circuit_open' | 'unavailable') {
    super(reason === 'circuit_open' ? 'every available instance has an open circuit' : 'no healthy instance');
    this.name = 'NoInstanceAvailableError';
  }
}

/**
 * Every instance that may take the call is at its concurrency cap, and the call could not wait for one to
 * free up (the wait queue is full, or the wait outlasted the gateway timeout): OVERLOADED, like a full
 * bulkhead.
 */
export class AllInstancesBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllInstancesBusyError';
  }
}

/** An attempt ran out of its time: thrown instead of the HTTP client's abort error, which says nothing. */
export class BackendTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'BackendTimeoutError';
  }
}

/** The caller went away (client disconnected, caller's signal aborted): nobody to answer, nobody to blame. */
export class CallerAbortedError extends Error {
  constructor() {
    super('the caller aborted the request');
    this.name = 'CallerAbortedError';
  }
}

/** Errors of the connection phase: the backend is not there, as opposed to misbehaving once reached. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Decisions of the gateway itself, as opposed to a failure of the backend. */
function isGatewayDecision(error: unknown): boolean {
  return (
    error instanceof NoInstanceAvailableError ||
    error instanceof BrokenCircuitError ||
    error instanceof IsolatedCircuitError ||
    error instanceof BulkheadRejectedError ||
    error instanceof AllInstancesBusyError ||
    error instanceof CallerAbortedError ||
    // Raised by the policies only when the caller's signal aborted (timeouts are cooperative here).
    error instanceof TaskCancelledError ||
    error instanceof ApiError
  );
}

/**
 * Whether an error counts against the backend: for the breaker (a failure) and the retry (worth another
 * attempt). Refusals by the gateway's own policies and callers that gave up are not the backend's fault.
 */
export function isBackendFailure(error: unknown): boolean {
  return !isGatewayDecision(error);
}

export function isTimeout(error: unknown): boolean {
  return error instanceof BackendTimeoutError || TIMEOUT_CODES.has(errorCode(error) ?? '');
}

export function outcomeOf(error: unknown): GatewayOutcome {
  if (isTimeout(error)) return 'timeout';
  if (error instanceof BulkheadRejectedError || error instanceof AllInstancesBusyError) return 'overloaded';
  if (
    error instanceof BrokenCircuitError ||
    error instanceof IsolatedCircuitError ||
    (error instanceof NoInstanceAvailableError && error.reason === 'circuit_open')
  ) {
    return 'circuit_open';
  }
  return 'error';
}

/** Seconds a client is told to wait after OVERLOADED: one typical call's worth. */
const OVERLOAD_RETRY_AFTER_SECONDS = '1';

/** Maps anything a backend call can throw to the error clients see, in the one error shape. */
export function toGatewayApiError(service: ServiceName, error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const fail = (status: HttpStatus, code: GatewayErrorCode, message: string, headers = {}): ApiError =>
    new ApiError(status, code, `${service}: ${message}`, { service }, headers);
  if (isTimeout(error)) {
    return fail(HttpStatus.GATEWAY_TIMEOUT, 'BACKEND_TIMEOUT', (error as Error).message);
  }
  const outcome = outcomeOf(error);
  if (outcome === 'circuit_open') {
    return fail(HttpStatus.SERVICE_UNAVAILABLE, 'CIRCUIT_OPEN', 'circuit breaker open, backend not called');
  }
  if (outcome === 'overloaded') {
    const reason = error instanceof AllInstancesBusyError ? error.message : 'too many concurrent requests';
    return fail(HttpStatus.SERVICE_UNAVAILABLE, 'OVERLOADED', reason, {
      'retry-after': OVERLOAD_RETRY_AFTER_SECONDS,
    });
  }
  if (error instanceof NoInstanceAvailableError || UNREACHABLE_CODES.has(errorCode(error) ?? '')) {
    return fail(HttpStatus.SERVICE_UNAVAILABLE, 'BACKEND_UNAVAILABLE', (error as Error).message);
  }
  return fail(HttpStatus.BAD_GATEWAY, 'BAD_GATEWAY', (error as Error)?.message ?? String(error));
}

export function badPathError(service: ServiceName, reason: string): ApiError {
  return new ApiError(HttpStatus.BAD_REQUEST, 'BAD_PATH', `Path refused: ${reason}`, { service });
}
