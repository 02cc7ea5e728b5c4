import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainEvents } from '@app/common';
import { BOOT_CONFIG, type OrchestrationConfig } from '@app/config';
import { ActivityLog } from './activity/activity-log';
import { ActivityMetrics } from './activity/activity-metrics';
import { LogsController } from './activity/logs.controller';
import { ACTIVITY_LOG } from './analytics.types';
import { CLOCK, type Clock } from './clock';
import { DashboardController } from './dashboard/dashboard.controller';
import { DashboardOverview } from './dashboard/dashboard-overview';
import { ExportController } from './export/export.controller';
import { HttpInstrumentation } from './metrics/http-instrumentation';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsOverview } from './metrics/metrics-overview';
import { MetricsSampler } from './metrics/metrics-sampler';

/**
 * Prometheus /metrics and HTTP instrumentation, the JSON analytics for the dashboard, the activity log and
 * session exports. Reads other modules only through the metrics registry, domain events and their tokens.
 */
@Module({
  controllers: [MetricsController, LogsController, DashboardController, ExportController],
  providers: [
    { provide: CLOCK, useValue: Date.now satisfies Clock },
    ActivityMetrics,
    ActivityLog,
    { provide: ACTIVITY_LOG, useExisting: ActivityLog },
    HttpInstrumentation,
    MetricsSampler,
    MetricsOverview,
    DashboardOverview,
  ],
  exports: [ACTIVITY_LOG, MetricsOverview, DashboardOverview],
})
export class AnalyticsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly events: DomainEvents,
    @Inject(BOOT_CONFIG) private readonly config: OrchestrationConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { serviceName, version, environment } = this.config.orchestration;
    this.events.activity('info', 'orchestration', `${serviceName} ${version} started (${environment})`);
  }

  onApplicationShutdown(signal?: string): void {
    this.events.activity('info', 'orchestration', `Shutting down${signal ? ` on ${signal}` : ''}`);
  }
}
