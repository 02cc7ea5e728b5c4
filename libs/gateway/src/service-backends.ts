import type { RetryPolicy } from 'cockatiel';
import type { ServiceName } from '@app/config';
import type { BackendInstance } from './backend-instance';
import { NoInstanceAvailableError } from './gateway-errors';
import { InstanceBalancer } from './instance-balancer';

/** The instances of one service, the balancer that spreads calls over them and the service's retry. */
export class ServiceBackends {
  private readonly balancer = new InstanceBalancer();

  constructor(
    readonly service: ServiceName,
    readonly instances: readonly BackendInstance[],
    readonly retry: RetryPolicy,
  ) {}

  find(instanceId: string): BackendInstance | undefined {
    return this.instances.find((instance) => instance.id === instanceId);
  }

  /**
   * The next instance among those that may take a call (and are eligible, when the caller says which
   * are): untried ones before ones this call already tried, so a retry lands elsewhere when there is
   * anywhere else; ones not asking to slow down before ones that are; then the lowest priority tier, and by
   * weight within it. Throws when none may take it.
   */
  pick(tried: ReadonlySet<string>, eligible?: (instance: BackendInstance) => boolean): BackendInstance {
    const now = Date.now();
    const routable = this.instances.filter(
      (instance) => instance.routable(now) && (!eligible || eligible(instance)),
    );
    const preferred = [
      (instance: BackendInstance) => !tried.has(instance.id) && !instance.slowingDown(now),
      (instance: BackendInstance) => !tried.has(instance.id),
      (instance: BackendInstance) => !instance.slowingDown(now),
    ]
      .map((rule) => routable.filter(rule))
      .find((candidates) => candidates.length > 0);
    const candidates = preferred ?? routable;
    const tier = Math.min(...candidates.map((instance) => instance.priority));
    const chosen = this.balancer.pick(candidates.filter((instance) => instance.priority === tier));
    if (chosen) return chosen;
    const pool = eligible ? this.instances.filter(eligible) : this.instances;
    throw new NoInstanceAvailableError(
      pool.some((instance) => instance.healthy) ? 'circuit_open' : 'unavailable',
    );
  }

  dispose(): void {
    this.instances.forEach((instance) => instance.dispose());
  }
}
