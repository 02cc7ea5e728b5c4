import type { InstanceStatus, ServiceHealth } from '@app/health';

export type SummaryStatus = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export interface HealthSummary {
  status: SummaryStatus;
  services_total: number;
  by_status: Record<InstanceStatus, number>;
}

/**
 * The backends at a glance: healthy when every service is up, unhealthy when every checked one is down,
 * degraded in between; unknown before the first check (or without the health monitor).
 */
export function summarise(services: ServiceHealth[]): HealthSummary {
  const byStatus: Record<InstanceStatus, number> = { up: 0, degraded: 0, down: 0, unknown: 0 };
  for (const service of services) byStatus[service.status]++;
  const checked = services.length - byStatus.unknown;
  let status: SummaryStatus;
  if (checked === 0) status = 'unknown';
  else if (byStatus.up === services.length) status = 'healthy';
  else if (byStatus.down === checked) status = 'unhealthy';
  else status = 'degraded';
  return { status, services_total: services.length, by_status: byStatus };
}
