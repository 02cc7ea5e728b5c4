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
    readonly kind: string,
    readonly instances: readonly BackendInstance[],
    readonly retry: RetryPolicy,
  ) {}

  find(instanceId: string): BackendInstance | undefined {
    return this.instances.find((instance) => instance.id === instanceId);
  }

  /**
   * The next instance by weight among those that may take a call, preferring ones this call has not tried
   * yet, so a retry lands elsewhere when there is anywhere else. Throws when none may take it.
   */
  pick(tried: ReadonlySet<string>): BackendInstance {
    const now = Date.now();
    const routable = this.instances.filter((instance) => instance.routable(now));
    const untried = tried.size === 0 ? routable : routable.filter((instance) => !tried.has(instance.id));
    const chosen = this.balancer.pick(untried.length > 0 ? untried : routable);
    if (chosen) return chosen;
    throw new NoInstanceAvailableError(
      this.instances.some((instance) => instance.healthy) ? 'circuit_open' : 'unavailable',
    );
  }

  dispose(): void {
    this.instances.forEach((instance) => instance.dispose());
  }
}
