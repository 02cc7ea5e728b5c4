import {
  ConsecutiveBreaker,
  ExponentialBackoff,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type Event,
  type ICancellationContext,
  type IFailureEvent,
  type IPolicy,
  type ISuccessEvent,
  type RetryPolicy,
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

/** No one listens to the innermost policy's events (`wrap` exposes the outermost one's). */
const NO_EVENTS: Event<never> = () => ({ dispose: () => undefined });

/**
 * The per-attempt timeout: what cockatiel's `timeout(ms, { strategy: Cooperative, abortOnReturn: false })`
 * does, without the event objects, wrapper promises and listener bookkeeping it allocates per call (they
 * showed up in the proxy's CPU profile). The call gets a signal that aborts when the caller's does or when
 * `timeoutMs` has passed; cooperative, so the HTTP call itself is aborted and its error is ours to name; not
 * aborting on return, because a proxied call returns at the response headers while its body is still
 * streaming.
 */
class AttemptTimeout implements IPolicy<ICancellationContext> {
  declare readonly _altReturn: never;
  readonly onSuccess: Event<ISuccessEvent> = NO_EVENTS;
  readonly onFailure: Event<IFailureEvent> = NO_EVENTS;

  constructor(readonly timeoutMs: number) {}

  async execute<T>(
    fn: (context: ICancellationContext) => PromiseLike<T> | T,
    signal?: AbortSignal,
  ): Promise<T> {
    const aborter = new AbortController();
    const abort = (): void => aborter.abort();
    if (signal?.aborted) aborter.abort();
    else signal?.addEventListener('abort', abort, { once: true });
    const timer = setTimeout(abort, this.timeoutMs);
    try {
      return await fn({ signal: aborter.signal });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    }
  }
}

export function attemptTimeout(timeoutMs: number): IPolicy<ICancellationContext> {
  return new AttemptTimeout(timeoutMs);
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
