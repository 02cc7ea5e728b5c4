import { Inject, Injectable } from '@nestjs/common';
import { METRIC } from '@app/common';
import { BOOT_CONFIG, type OrchestrationConfig } from '@app/config';
import { CLOCK, type Clock } from '../clock';
import { MetricsSampler } from './metrics-sampler';
import {
  connectionsSection,
  gatewaySection,
  httpSection,
  pipelineSection,
  processSection,
  ratesWire,
  trendPointWire,
} from './metrics-report';

/** Seconds behind the rolling rates: long enough to smooth bursts, short enough to show a change quickly. */
export const RATE_WINDOW_SECONDS = 60;

/** Builds the GET /api/metrics body: the registry's figures as JSON, rolling rates and the trend series. */
@Injectable()
export class MetricsOverview {
  private readonly startedAt: number;

  constructor(
    private readonly sampler: MetricsSampler,
    @Inject(BOOT_CONFIG) private readonly config: OrchestrationConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.startedAt = clock();
  }

  async build(): Promise<Record<string, unknown>> {
    const { families, reading } = await this.sampler.readNow();
    return {
      timestamp: new Date(reading.time).toISOString(),
      uptime_seconds: Math.round((this.clock() - this.startedAt) / 1000),
      instrumentation_enabled: this.config.metrics.enabled,
      rates: ratesWire(this.sampler.series.rates(reading, RATE_WINDOW_SECONDS)),
      http: httpSection(families),
      gateway: gatewaySection(families),
      websocket: connectionsSection(families),
      pipeline: pipelineSection(families),
      activity: { by_level: families.sumBy(METRIC.activityEvents, 'level') },
      process: processSection(families),
      series: {
        resolution_seconds: this.sampler.intervalSeconds,
        window_seconds: this.config.metrics.historyWindow,
        points: this.sampler.series.points().map(trendPointWire),
      },
    };
  }
}
