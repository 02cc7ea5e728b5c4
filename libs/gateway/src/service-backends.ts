import type { RetryPolicy } from 'cockatiel';
import { performance } from 'node:perf_hooks';
import type { GatewayRouting, ServiceName } from '@app/config';
import type { BackendInstance } from './backend-instance';
import type { LeaseOutcome } from './backend-client';
import { AllInstancesBusyError, CallerAbortedError, NoInstanceAvailableError } from './gateway-errors';
import { InstanceBalancer, pickByExpectedFinish } from './instance-balancer';
import type { CallSize } from './instance-speed';

/** How calls are spread, and how long and how many may wait when every instance is at its cap. */
export interface RoutingSettings {
  /** `weighted`: plain smooth weighted round-robin, measurements ignored. */
  routing: GatewayRouting;
  maxWaiting: number;
  maxWaitMs: number;
}

export interface LeaseRequest {
  tried: ReadonlySet<string>;
  eligible?: (instance: BackendInstance) => boolean;
  size?: CallSize;
  signal?: AbortSignal;
}

/** A call committed to an instance of this service; see BackendRouter.lease. */
export interface Lease {
  instance: BackendInstance;
  finish(outcome: LeaseOutcome): void;
}

interface Waiter {
  request: LeaseRequest;
  resolve(lease: Lease): void;
  reject(error: Error): void;
}

type Rule = (instance: BackendInstance) => boolean;

/**
 * The instances of one service, how calls are spread over them and the service's retry.
 *
 * Which instance: those that may take a call (and are eligible, when the caller says which are); untried
 * ones before ones this call already tried, so a retry lands elsewhere when there is anywhere else; ones
 * not asking to slow down before ones that are; then the lowest priority tier; within it the instance
 * expected to finish the call first (power of two choices, weighted round-robin while unmeasured).
 * Expected finish = expected time of this call there × (1 + calls it is busy with ÷ its share of the
 * tier's weight): `(in flight + 1) × latency` for equal weights, while a heavier instance counts as having
 * room for proportionally more calls at once.
 */
export class ServiceBackends {
  private readonly balancer = new InstanceBalancer();
  private readonly waiters: Waiter[] = [];

  constructor(
    readonly service: ServiceName,
    readonly instances: readonly BackendInstance[],
    readonly retry: RetryPolicy,
    private readonly wait: RoutingSettings = { routing: 'speed', maxWaiting: 0, maxWaitMs: 0 },
    private readonly random: () => number = Math.random,
  ) {
    for (const instance of instances) instance.onFreed = () => this.serveWaiters();
  }

  find(instanceId: string): BackendInstance | undefined {
    return this.instances.find((instance) => instance.id === instanceId);
  }

  /**
   * Calls the service can work on at once now: the serving slots of the lowest tier that has any (calls go
   * to that tier only, and wait there when it is full), 0 when no instance can take a call.
   */
  capacity(now = Date.now()): number {
    const serving = this.instances
      .map((instance) => ({ priority: instance.priority, slots: instance.servingSlots(now) }))
      .filter(({ slots }) => slots > 0);
    if (serving.length === 0) return 0;
    const tier = Math.min(...serving.map(({ priority }) => priority));
    return serving.filter(({ priority }) => priority === tier).reduce((sum, { slots }) => sum + slots, 0);
  }

  /** Calls waiting for a free instance. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * The next instance for a call (see the class comment); one below its cap before a full one, where a
   * proxied call waits in the instance's own bulkhead. Throws when none may take it.
   */
  pick(tried: ReadonlySet<string>, eligible?: (instance: BackendInstance) => boolean, size?: CallSize) {
    const tier = this.tierOf(tried, eligible, Date.now());
    const free = tier.filter((instance) => !instance.full);
    return this.fastest(free.length > 0 ? free : tier, size);
  }

  /**
   * Like `pick`, among instances below their cap, holding a place there until `finish`; when every
   * instance of the tier is at its cap, waits first come, first served for one to free up.
   */
  lease(request: LeaseRequest): Promise<Lease> {
    const lease = this.tryLease(request);
    if (lease) return Promise.resolve(lease);
    if (request.signal?.aborted) return Promise.reject(new CallerAbortedError());
    if (this.waiters.length >= this.wait.maxWaiting) {
      return Promise.reject(
        new AllInstancesBusyError(
          `every eligible ${this.service} instance is at its concurrency cap and ${this.waiters.length} calls are already waiting`,
        ),
      );
    }
    return new Promise<Lease>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          leave(
            new AllInstancesBusyError(
              `no ${this.service} instance freed up within ${this.wait.maxWaitMs} ms`,
            ),
          ),
        this.wait.maxWaitMs,
      );
      const onAbort = () => leave(new CallerAbortedError());
      const settle = () => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
      };
      const leave = (error: Error) => {
        settle();
        reject(error);
      };
      const waiter: Waiter = {
        request,
        resolve: (lease) => {
          settle();
          resolve(lease);
        },
        reject: leave,
      };
      request.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  dispose(): void {
    for (const waiter of [...this.waiters]) {
      waiter.reject(
        new AllInstancesBusyError(`the ${this.service} instances were reconfigured while it waited`),
      );
    }
    this.instances.forEach((instance) => instance.dispose());
  }

  /** A lease at a free instance now, or undefined when the call must wait; throws when none may take it. */
  private tryLease(request: LeaseRequest): Lease | undefined {
    const free = this.tierOf(request.tried, request.eligible, Date.now()).filter(
      (instance) => !instance.full,
    );
    if (free.length === 0) return undefined;
    const instance = this.fastest(free, request.size);
    const release = instance.lease();
    const started = performance.now();
    return {
      instance,
      finish: (outcome) => {
        if (outcome === 'success' || outcome === 'timeout') {
          instance.speed.observe(performance.now() - started, request.size);
        }
        release();
      },
    };
  }

  /** Hands freed instances to waiting calls in arrival order; a call no instance can take any more fails. */
  private serveWaiters(): void {
    for (const waiter of [...this.waiters]) {
      try {
        const lease = this.tryLease(waiter.request);
        if (lease) waiter.resolve(lease);
      } catch (error) {
        waiter.reject(error as Error);
      }
    }
  }

  /** The preferred tier for this call, full instances included; throws when no instance may take it. */
  private tierOf(
    tried: ReadonlySet<string>,
    eligible: ((instance: BackendInstance) => boolean) | undefined,
    now: number,
  ): BackendInstance[] {
    const routable = this.instances.filter(
      (instance) => instance.routable(now) && (!eligible || eligible(instance)),
    );
    if (routable.length === 0) {
      const pool = eligible ? this.instances.filter(eligible) : this.instances;
      throw new NoInstanceAvailableError(
        pool.some((instance) => instance.healthy) ? 'circuit_open' : 'unavailable',
      );
    }
    const rules: Rule[] = [
      (instance) => !tried.has(instance.id) && !instance.slowingDown(now),
      (instance) => !tried.has(instance.id),
      (instance) => !instance.slowingDown(now),
    ];
    const candidates =
      rules.map((rule) => routable.filter(rule)).find((preferred) => preferred.length > 0) ?? routable;
    const tier = Math.min(...candidates.map((instance) => instance.priority));
    return candidates.filter((instance) => instance.priority === tier);
  }

  private fastest(candidates: BackendInstance[], size: CallSize | undefined): BackendInstance {
    if (this.wait.routing === 'weighted') return this.balancer.pick(candidates) as BackendInstance;
    const now = Date.now();
    const meanWeight = candidates.reduce((sum, c) => sum + c.weight, 0) / candidates.length;
    const finishMs = (instance: BackendInstance): number | undefined => {
      const expected = instance.speed.expectedMs(size, now);
      return expected === undefined
        ? undefined
        : expected * (1 + (instance.load * meanWeight) / instance.weight);
    };
    // Candidates are never empty here (tierOf throws first), so a pick always comes back.
    return pickByExpectedFinish(this.balancer, candidates, finishMs, this.random) as BackendInstance;
  }
}
