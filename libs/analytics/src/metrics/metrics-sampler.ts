import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { DomainEvents, GATEWAY_SUCCESS_OUTCOME, METRIC, METRICS_REGISTRY } from '@app/common';
import { BOOT_CONFIG, type OrchestrationConfig } from '@app/config';
import { CLOCK, type Clock } from '../clock';
import { MetricFamilies } from './metric-families';
import { TrendSeries, pointBetween, type Reading } from './trend-series';

/** The cumulative figures the trend series follows, from one registry snapshot. */
export function readingOf(families: MetricFamilies, time: number): Reading {
  const gatewayRequests = families.sum(METRIC.gatewayRequests);
  return {
    time,
    httpRequests: families.sum(METRIC.httpRequests),
    httpDuration: families.histogram(METRIC.httpDuration).buckets,
    gatewayRequests,
    gatewayFailures:
      gatewayRequests - families.sum(METRIC.gatewayRequests, { outcome: GATEWAY_SUCCESS_OUTCOME }),
    websocketMessages: families.sum(METRIC.websocketMessages),
    pipelineJobs: families.sum(METRIC.pipelineJobs),
    websocketConnections: families.sum(METRIC.websocketConnections),
    sessionsActive: families.sum(METRIC.sessionsActive),
  };
}

/**
 * Reads the registry every `metrics.sample_interval` seconds into the trend series and announces each new
 * point as `metrics.sampled`, so a live feed can push trends without polling /api/metrics.
 */
@Injectable()
export class MetricsSampler implements OnModuleInit, OnModuleDestroy {
  readonly series: TrendSeries;
  readonly intervalSeconds: number;
  private timer?: NodeJS.Timeout;
  private readonly logger = new Logger(MetricsSampler.name);

  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(BOOT_CONFIG) private readonly config: OrchestrationConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {
    this.intervalSeconds = config.metrics.sampleInterval;
    // +1: n points need n + 1 readings.
    this.series = new TrendSeries(Math.ceil(config.metrics.historyWindow / this.intervalSeconds) + 1);
  }

  /** The first reading is taken in the background: start-up must not wait on what the registry reads. */
  onModuleInit(): void {
    if (!this.config.metrics.enabled) return;
    const sampleLogged = (): void => {
      this.sample().catch((error: Error) => this.logger.warn(`Metrics sample failed: ${error.message}`));
    };
    sampleLogged();
    this.timer = setInterval(sampleLogged, this.intervalSeconds * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** A reading of the registry as it is now, not stored. */
  async readNow(): Promise<{ families: MetricFamilies; reading: Reading }> {
    const families = await MetricFamilies.read(this.registry);
    return { families, reading: readingOf(families, this.clock()) };
  }

  async sample(): Promise<void> {
    const { reading } = await this.readNow();
    const previous = this.series.latest();
    this.series.add(reading);
    if (previous) this.events.emit('metrics.sampled', pointBetween(previous, reading));
  }
}
