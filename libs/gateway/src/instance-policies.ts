import {
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import { isBackendFailure } from './gateway-errors';

/** The resilience settings of one instance, resolved from the gateway and service configuration. */
export interface InstancePolicySettings {
  timeoutMs: number;
  failureThreshold: number;
  halfOpenAfterMs: number;
  maxConcurrent: number;
  maxQueue: number;
}

export interface RetrySettings {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** An answer that is the backend's failure even though it arrived: any 5xx. */
export function isFailedAnswer(result: unknown): boolean {
  const status = (result as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 500;
}

/** What both the breaker and the retry treat as the backend failing. */
const backendFailures = () => handleWhen(isBackendFailure).orWhenResult(isFailedAnswer);

/**
 * The breaker counts consecutive failures of one instance and, once open, refuses calls without touching the
 * backend until `halfOpenAfterMs` has passed; then one call is let through, and its outcome closes or
 * re-opens it.
 */
export function instanceBreaker(settings: InstancePolicySettings): CircuitBreakerPolicy {
  return circuitBreaker(backendFailures(), {
    halfOpenAfter: settings.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(settings.failureThreshold),
  });
}

export function instanceBulkhead(settings: InstancePolicySettings): BulkheadPolicy {
  return bulkhead(settings.maxConcurrent, settings.maxQueue);
}

/**
 * Cooperative, so the HTTP call itself is aborted and its error is ours to name; not aborting on return,
 * because a proxied call returns at the response headers while its body is still streaming.
 */
export function attemptTimeout(timeoutMs: number): TimeoutPolicy {
  return timeout(timeoutMs, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: false });
}

/**
 * Retries with exponential backoff and decorrelated jitter (cockatiel's default generator), on backend
 * failures only: never on an open circuit, a full bulkhead or a caller that gave up.
 */
export function serviceRetry(settings: RetrySettings): RetryPolicy {
  return retry(backendFailures(), {
    maxAttempts: settings.retries,
    backoff: new ExponentialBackoff({ initialDelay: settings.baseDelayMs, maxDelay: settings.maxDelayMs }),
  });
}
