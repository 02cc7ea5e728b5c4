import {
  CircuitState,
  wrap,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type IDisposable,
  type IPolicy,
} from 'cockatiel';
import type { ServiceName } from '@app/config';
import type { BackendInstanceView, BreakerState } from './backend-client';
import { BackendTimeoutError, CallerAbortedError } from './gateway-errors';
import type { WeightedCandidate } from './instance-balancer';
import { InstanceSpeed } from './instance-speed';
import {
  attemptTimeout,
  instanceBreaker,
  instanceBulkhead,
  type InstancePolicySettings,
} from './instance-policies';

export type BreakerTransitionListener = (
  instance: BackendInstance,
  previous: BreakerState,
  state: BreakerState,
) => void;

const BREAKER_STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'open',
};

export interface AttemptOptions {
  /** The caller's signal: aborting it cancels the call without counting against the backend. */
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Where an instance is and what it is, from its configuration entry. */
export interface InstanceTarget {
  url: string;
  weight: number;
  kind: string;
  priority: number;
  /** Decodes it runs at once, as capacity counts them (see BackendPool); its cap when not given. */
  slots?: number;
}

/**
 * One backend instance and its own policies, built once and kept for its lifetime, because a breaker or a
 * bulkhead only protects anything if every call to the instance goes through the same one.
 * Call order: breaker → bulkhead → timeout → HTTP call.
 */
export class BackendInstance implements WeightedCandidate {
  readonly id: string;
  readonly url: string;
  readonly weight: number;
  /** The engine kind it speaks (a pool may mix kinds). */
  readonly kind: string;
  /** Its tier: lower tiers are served first. */
  readonly priority: number;
  /** Calls it works on at once, as the service's capacity counts them (at most its cap). */
  readonly slots: number;
  /** scheme://host:port, and the path prefix that every request path is appended to ('' for none). */
  readonly origin: string;
  readonly basePath: string;
  /** False when the health monitor marked it down. */
  healthy = true;
  /** Until then (ms since epoch) the instance asked to be left alone (429 with Retry-After). */
  private slowDownUntil = 0;
  private active = 0;
  /** Calls the router has committed to this instance (EnginePool leases), counted against its cap. */
  private leased = 0;
  /** Its measured speed: what routing by expected finish reads. */
  readonly speed = new InstanceSpeed();
  /** Told whenever a call here ends, so callers waiting for a free instance can go on (set by its service). */
  onFreed: () => void = () => undefined;
  private state: BreakerState = 'closed';
  private changedAt: Date | null = null;
  private openedAt = 0;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  /** breaker → bulkhead → timeout, composed once; calls with their own timeout compose their own. */
  private readonly policy: IPolicy;
  private readonly subscription: IDisposable;

  constructor(
    readonly service: ServiceName,
    index: number,
    target: InstanceTarget,
    readonly settings: InstancePolicySettings,
    onTransition: BreakerTransitionListener,
  ) {
    this.id = `${service}-${index}`;
    ({ url: this.url, weight: this.weight, kind: this.kind, priority: this.priority } = target);
    this.slots = Math.min(target.slots ?? settings.maxConcurrent, settings.maxConcurrent);
    const url = this.url;
    const parsed = new URL(url);
    this.origin = parsed.origin;
    this.basePath = parsed.pathname.replace(/\/+$/, '');
    this.breaker = instanceBreaker(settings);
    this.bulkhead = instanceBulkhead(settings);
    this.policy = wrap(this.breaker, this.bulkhead, attemptTimeout(settings.timeoutMs));
    this.subscription = this.breaker.onStateChange((circuit) => {
      const previous = this.state;
      this.state = BREAKER_STATES[circuit];
      this.changedAt = new Date();
      if (this.state === 'open') this.openedAt = Date.now();
      if (previous !== this.state) onTransition(this, previous, this.state);
    });
  }

  get breakerState(): BreakerState {
    return this.state;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Concurrent calls this instance takes (its own, the service's, its kind's or the gateway's setting). */
  get cap(): number {
    return this.settings.maxConcurrent;
  }

  /**
   * Calls it is busy with: the calls committed to it by the router or, for calls that were not (proxied
   * ones), the calls under way at it, whichever is more.
   */
  get load(): number {
    return Math.max(this.leased, this.active);
  }

  /** Whether another call would exceed its concurrency cap. */
  get full(): boolean {
    return this.load >= this.cap;
  }

  /**
   * Commits one call to this instance for routing (its load and cap) until the returned release; the call
   * itself still goes through `execute`. Used by the engines' router, which picks before it sends.
   */
  lease(): () => void {
    this.leased++;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.leased--;
        this.onFreed();
      }
    };
  }

  /**
   * Whether a call may be sent here now: healthy, and the breaker closed, half-open, or open long enough
   * that the next call is its half-open probe.
   */
  routable(now = Date.now()): boolean {
    if (!this.healthy) return false;
    return this.state !== 'open' || now - this.openedAt >= this.settings.halfOpenAfterMs;
  }

  /**
   * What it adds to its service's capacity now: its slots while it is healthy and its breaker closed; one
   * (the probe) while the breaker is half-open or open long enough to let a probe through; none otherwise.
   */
  servingSlots(now = Date.now()): number {
    if (!this.routable(now)) return 0;
    return this.state === 'closed' ? this.slots : 1;
  }

  /** When an open breaker lets its probe through (ms since epoch); undefined unless open. */
  get probeDueAt(): number | undefined {
    return this.state === 'open' ? this.openedAt + this.settings.halfOpenAfterMs : undefined;
  }

  /** Whether it asked to slow down (429) and the time it asked for has not passed. */
  slowingDown(now = Date.now()): boolean {
    return now < this.slowDownUntil;
  }

  /** Honours a 429's Retry-After: the instance gets no new calls for that long while others can take them. */
  slowDown(forMs: number, now = Date.now()): void {
    this.slowDownUntil = Math.max(this.slowDownUntil, now + forMs);
  }

  /** Counts a call as in flight at this instance until `release` (streamed bodies outlive `execute`). */
  acquire(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.active--;
        this.onFreed();
      }
    };
  }

  /** Runs one attempt through this instance's policies; the call receives the signal to pass to its I/O. */
  execute<T>(call: (signal: AbortSignal) => Promise<T>, options: AttemptOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.settings.timeoutMs;
    const policy =
      timeoutMs === this.settings.timeoutMs
        ? this.policy
        : wrap(this.breaker, this.bulkhead, attemptTimeout(timeoutMs));
    return policy.execute(async ({ signal }) => {
      try {
        return await call(signal);
      } catch (error) {
        if (options.signal?.aborted) throw new CallerAbortedError();
        if (signal.aborted) throw new BackendTimeoutError(timeoutMs);
        throw error;
      }
    }, options.signal);
  }

  view(): BackendInstanceView {
    return {
      id: this.id,
      service: this.service,
      url: this.url,
      weight: this.weight,
      kind: this.kind,
      priority: this.priority,
      healthy: this.healthy,
      breaker: this.state,
      breakerChangedAt: this.changedAt?.toISOString() ?? null,
      inFlight: this.load,
      maxConcurrent: this.cap,
      slots: this.slots,
      latencyEwmaMs: this.speed.latencyMs,
      rtfEwma: this.speed.rtf,
    };
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
