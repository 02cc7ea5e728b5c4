import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Gauge, type Registry } from 'prom-client';
import {
  BREAKER_STATES,
  BoundCounter,
  BoundHistogram,
  DomainEvents,
  METRIC,
  METRICS_REGISTRY,
} from '@app/common';
import { SERVICE_NAMES, type ServiceName } from '@app/config';
import type { BreakerState } from './backend-client';
import type { BackendInstance } from './backend-instance';
import { BackendPool } from './backend-pool';
import { GATEWAY_OUTCOMES, type GatewayOutcome } from './gateway-errors';

/** `backend_instance` label of calls that never reached an instance (refused path, nothing available). */
export const NO_INSTANCE = 'none';

/** The gauge value of a breaker state: its index in BREAKER_STATES, which analytics decodes with. */
const breakerGauge = (state: BreakerState): number => BREAKER_STATES.indexOf(state);

/**
 * The gateway's Prometheus series (names in METRIC, which analytics reads by). Labels are bounded: services
 * and instance ids come from configuration, outcomes from a fixed list; paths and status codes are not
 * labels. Gauges are read from the pool at scrape time, so they can never drift from the real state. The
 * instance label is `backend_instance`: Prometheus reserves `instance` for the scrape target.
 */
@Injectable()
export class GatewayMetrics implements OnModuleDestroy {
  private readonly requests: BoundCounter<'service' | 'backend_instance' | 'outcome'>;
  private readonly duration: BoundHistogram<'service' | 'backend_instance'>;
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly pool: BackendPool,
    events: DomainEvents,
  ) {
    this.requests = new BoundCounter({
      name: METRIC.gatewayRequests,
      help: 'Backend calls through the gateway, per attempt, by outcome',
      labelNames: ['service', 'backend_instance', 'outcome'],
      registers: [registry],
    });
    this.duration = new BoundHistogram({
      name: METRIC.gatewayDuration,
      help: 'Time from sending a call to a backend instance until its answer was complete',
      labelNames: ['service', 'backend_instance'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    new Gauge({
      name: METRIC.gatewayBreaker,
      help: 'Circuit breaker state per backend instance: 0 closed, 1 half-open, 2 open',
      labelNames: ['service', 'backend_instance'],
      registers: [registry],
      collect() {
        this.reset();
        for (const instance of pool.all()) {
          this.set(
            { service: instance.service, backend_instance: instance.id },
            breakerGauge(instance.breakerState),
          );
        }
      },
    });
    const perInstance = (name: string, help: string, value: (instance: BackendInstance) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['service', 'backend_instance'],
        registers: [registry],
        collect() {
          this.reset();
          for (const instance of pool.all()) {
            const figure = value(instance);
            if (figure !== null)
              this.set({ service: instance.service, backend_instance: instance.id }, figure);
          }
        },
      });
    perInstance(
      METRIC.gatewayInFlight,
      'Calls an instance is busy with: committed to it by the router, or under way (queued, waiting or streaming)',
      (instance) => instance.load,
    );
    perInstance(
      METRIC.gatewayMaxConcurrent,
      'Concurrency cap per backend instance; calls beyond it wait for a free instance',
      (instance) => instance.cap,
    );
    perInstance(
      METRIC.gatewayLatencyEwma,
      'Moving average of engine call latency per backend instance (absent until measured)',
      (instance) => (instance.speed.latencyMs === null ? null : instance.speed.latencyMs / 1000),
    );
    perInstance(
      METRIC.gatewayRtfEwma,
      'Moving average of real-time factor (processing time / audio duration) per backend instance (absent until measured)',
      (instance) => instance.speed.rtf,
    );
    new Gauge({
      name: METRIC.gatewayWaiting,
      help: 'Calls waiting for a free instance because every eligible one is at its concurrency cap',
      labelNames: ['service'],
      registers: [registry],
      collect() {
        for (const service of SERVICE_NAMES) this.set({ service }, pool.service(service).waiting);
      },
    });
    this.startAtZero();
    // The pool is rebuilt with the configuration; new instances get their zero series too.
    this.unsubscribe = events.on('config.changed', () => this.startAtZero());
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /**
   * Every series whose labels are known in advance (each service, each instance and `none`, each outcome)
   * exists from the start at 0, so Prometheus' increase() and rate() see the first call of each.
   */
  private startAtZero(): void {
    for (const service of SERVICE_NAMES) {
      const instances = [
        NO_INSTANCE,
        ...this.pool
          .all()
          .filter((i) => i.service === service)
          .map((i) => i.id),
      ];
      for (const instance of instances) {
        for (const outcome of GATEWAY_OUTCOMES) {
          this.requests.series({ service, backend_instance: instance, outcome });
        }
      }
    }
  }

  record(
    service: ServiceName,
    instanceId: string | null,
    outcome: GatewayOutcome,
    durationMs: number | null,
  ): void {
    const instance = instanceId ?? NO_INSTANCE;
    this.requests.series({ service, backend_instance: instance, outcome }).inc();
    if (durationMs !== null) {
      this.duration.series({ service, backend_instance: instance }).observe(durationMs / 1000);
    }
  }
}
