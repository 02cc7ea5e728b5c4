import { Inject, Injectable } from '@nestjs/common';
import { camelToSnake, mapKeysDeep } from '@app/config';
import { GatewayStats } from '@app/gateway';
import { HEALTH_MONITOR, toAlertDto, toServiceHealthDto, type HealthMonitor } from '@app/health';
import { ActivityLog } from '../activity/activity-log';
import { MetricsSampler } from '../metrics/metrics-sampler';
import { RATE_WINDOW_SECONDS } from '../metrics/metrics-overview';
import { connectionsSection, pipelineSection, ratesWire } from '../metrics/metrics-report';
import { summarise } from './health-summary';

/** Enough to fill the dashboard's first screen; the panels page further through their own endpoints. */
export const DASHBOARD_ALERTS = 10;
export const DASHBOARD_ACTIVITY = 20;

/**
 * The dashboard's first paint in one call. Services and alerts come from the health monitor and the
 * gateway panel from the gateway's stats, in the same shapes as GET /api/services, /api/alerts and
 * /api/gateway; connections and pipeline come from the shared metrics registry.
 */
@Injectable()
export class DashboardOverview {
  constructor(
    private readonly sampler: MetricsSampler,
    private readonly activity: ActivityLog,
    @Inject(HEALTH_MONITOR) private readonly monitor: HealthMonitor,
    private readonly gatewayStats: GatewayStats,
  ) {}

  async build(): Promise<Record<string, unknown>> {
    const { families, reading } = await this.sampler.readNow();
    const services = this.monitor.services();
    return {
      timestamp: new Date(reading.time).toISOString(),
      health: { ...summarise(services), monitor_available: true },
      services: services.map(toServiceHealthDto),
      gateway: mapKeysDeep(this.gatewayStats.snapshot(), camelToSnake),
      connections: connectionsSection(families),
      pipeline: pipelineSection(families),
      rates: ratesWire(this.sampler.series.rates(reading, RATE_WINDOW_SECONDS)),
      alerts: this.monitor.alerts(DASHBOARD_ALERTS).map(toAlertDto),
      activity: this.activity.query({ limit: DASHBOARD_ACTIVITY }),
    };
  }
}
