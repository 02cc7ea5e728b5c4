import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigStore, ServiceName } from '@app/config';
import {
  toGatewayApiError,
  type BackendInstanceView,
  type BackendRouter,
  type CallSize,
  type InstanceLease,
  type LeaseOutcome,
} from '@app/gateway';
import { EngineError, isRetryable } from '../engine-error';

/** How long an instance that said 429 without Retry-After is left alone. */
const DEFAULT_SLOW_DOWN_MS = 1000;

/** How a failed attempt counts for the instance's speed: a timeout is a measurement (it was that slow). */
function leaseOutcome(error: unknown): LeaseOutcome {
  return (error as { code?: unknown })?.code === 'BACKEND_TIMEOUT' ? 'timeout' : 'failure';
}

/** An instance this call has not tried that looks able to take it (the router decides for certain). */
function untried(view: BackendInstanceView, tried: ReadonlySet<string>): boolean {
  return !tried.has(view.id) && view.healthy && view.breaker !== 'open';
}

/** Seconds of a 429's Retry-After, when the engine sent one. */
function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof EngineError) || error.code !== 'ENGINE_RATE_LIMITED') return undefined;
  const seconds = Number(error.details.retry_after_seconds);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_SLOW_DOWN_MS;
}

/** An instance answered 429: it gets no new calls until `until` (ms since the epoch), its Retry-After. */
export interface EngineSlowDownEvent {
  service: ServiceName;
  instanceId: string;
  until: number;
}

declare module '@app/common' {
  interface DomainEventMap {
    'engines.slow-down': EngineSlowDownEvent;
  }
}

/**
 * One service's instances as a pool of engines, whatever their kinds: each attempt takes a lease on an
 * instance (its tier first, among the eligible ones, untried first, the one expected to finish the call
 * first, below its concurrency cap; waiting in the gateway's queue while all are at their caps) and calls
 * it through the adapter of its kind. Work calls (`size` given) are timed into the instance's speed. A failure worth another attempt (5xx, refused or reset connection, timeout, open breaker, 429)
 * moves the call to another instance, of any kind that can do it; only when every eligible instance has
 * been tried does it wait (exponential backoff, or the Retry-After an instance asked for) and try again.
 * A 429 is slow-down, not failure: that instance gets no new calls for its Retry-After while others can
 * take them (the breaker never counts it). Every transcription, translation and diarization is
 * idempotent, so this is safe for all of them.
 */
export class EnginePool<E extends { kind: string }> {
  constructor(
    readonly service: ServiceName,
    private readonly router: BackendRouter,
    private readonly config: ConfigStore,
    private readonly adapterOf: (kind: string) => E,
    /** Told of each 429, so that live streams can show the slow-down (CONTRACTS §3a stream_status). */
    private readonly onSlowDown: (event: EngineSlowDownEvent) => void = () => undefined,
  ) {}

  instances(): BackendInstanceView[] {
    return this.router.instances(this.service);
  }

  adapter(kind: string): E {
    return this.adapterOf(kind);
  }

  async run<T>(
    eligible: (instance: BackendInstanceView) => boolean,
    attempt: (adapter: E, instance: BackendInstanceView) => Promise<T>,
    signal?: AbortSignal,
    size?: CallSize,
  ): Promise<T> {
    const { retries, retryBaseDelayMs, retryMaxDelayMs, timeout } = this.config.current.gateway;
    const eligibleCount = this.instances().filter(eligible).length;
    const tried = new Set<string>();
    let failure: Error | undefined;
    let waitMs = 0;
    let repeats = 0;
    // Every eligible instance once, plus the configured retries of instances already tried.
    for (let attemptNo = 0; attemptNo < Math.max(1, eligibleCount + retries); attemptNo++) {
      // Backs off before going back to an instance already tried, when no untried one can take the call.
      if (tried.size > 0 && !this.instances().some((view) => untried(view, tried) && eligible(view))) {
        const backoff = Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** repeats++);
        await sleep(Math.min(Math.max(backoff, waitMs), timeout * 1000), undefined, { signal });
        waitMs = 0;
      }
      let lease: InstanceLease;
      try {
        lease = await this.router.lease(this.service, { eligible, tried, size, signal });
      } catch (error) {
        throw failure ?? toGatewayApiError(this.service, error);
      }
      const { instance } = lease;
      tried.add(instance.id);
      try {
        const result = await attempt(this.adapterOf(instance.kind), instance);
        lease.finish(size ? 'success' : 'unmeasured');
        return result;
      } catch (error) {
        lease.finish(size ? leaseOutcome(error) : 'unmeasured');
        failure = error instanceof Error ? error : new Error(String(error));
        if (signal?.aborted || !isRetryable(error)) throw failure;
        const slowDown = retryAfterMs(error);
        if (slowDown !== undefined) {
          this.router.slowDown(this.service, instance.id, slowDown);
          this.onSlowDown({ service: this.service, instanceId: instance.id, until: Date.now() + slowDown });
          waitMs = Math.max(waitMs, slowDown);
        }
      }
    }
    throw failure ?? new Error(`${this.service}: no attempt was made`);
  }
}
