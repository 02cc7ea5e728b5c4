import { Inject, Injectable, Optional } from '@nestjs/common';
import { HEALTH_MONITOR, type HealthMonitor } from '@app/health';
import { ActivityLog } from '../activity/activity-log';
import { MetricsSampler } from '../metrics/metrics-sampler';
import { RATE_WINDOW_SECONDS } from '../metrics/metrics-overview';
import { connectionsSection, gatewaySection, pipelineSection, ratesWire } from '../metrics/metrics-report';
import { serviceWire, summarise } from './health-summary';

/** Enough to fill the dashboard's first screen; the panels page further through their own endpoints. */
export const DASHBOARD_ALERTS = 10;
export const DASHBOARD_ACTIVITY = 20;

/**
 * The dashboard's first paint in one call. Health comes from the health monitor when that module is
 * present; gateway, connection and pipeline figures come from the shared metrics registry, so a module
 * that is absent shows as zeros instead of failing the whole bundle.
 */
@Injectable()
export class DashboardOverview {
  constructor(
    private readonly sampler: MetricsSampler,
    private readonly activity: ActivityLog,
    @Optional() @Inject(HEALTH_MONITOR) private readonly monitor?: HealthMonitor,
  ) {}

  async build(): Promise<Record<string, unknown>> {
    const { families, reading } = await this.sampler.readNow();
    const services = this.monitor?.services() ?? [];
    return {
      timestamp: new Date(reading.time).toISOString(),
      health: { ...summarise(services), monitor_available: this.monitor !== undefined },
      services: services.map(serviceWire),
      gateway: gatewaySection(families),
      connections: connectionsSection(families),
      pipeline: pipelineSection(families),
      rates: ratesWire(this.sampler.series.rates(reading, RATE_WINDOW_SECONDS)),
      alerts: this.monitor?.alerts(DASHBOARD_ALERTS) ?? [],
      activity: this.activity.query({ limit: DASHBOARD_ACTIVITY }),
    };
  }
}
