import type { InstanceStatus } from './health.types';

/**
 * A service's status from its instances': unknown until one has been checked (or when it has none), up when
 * every checked one is up, down when all are down, degraded otherwise (some serve, some do not, or serve
 * degraded). Down needs every instance, matching the critical alert: one not yet checked may still serve.
 */
export function serviceStatus(statuses: readonly InstanceStatus[]): InstanceStatus {
  const checked = statuses.filter((status) => status !== 'unknown');
  if (checked.length === 0) return 'unknown';
  if (checked.every((status) => status === 'up')) return 'up';
  if (statuses.every((status) => status === 'down')) return 'down';
  return 'degraded';
}

/** Up and degraded instances answer requests; down and unknown are not counted on. */
export function isServing(status: InstanceStatus): boolean {
  return status === 'up' || status === 'degraded';
}
