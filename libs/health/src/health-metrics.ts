import { Inject, Injectable } from '@nestjs/common';
import { Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC, METRICS_REGISTRY } from '@app/common';
import type { ServiceName } from '@app/config';
import type { InstanceStatus } from './health.types';

/** Gauge value per status; degraded sits between so dashboards can tell it from both. */
const GAUGE_VALUE: Record<Exclude<InstanceStatus, 'unknown'>, number> = { up: 1, degraded: 0.5, down: 0 };

/** Health checks are short; the top buckets catch probes that ran into their timeout. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The monitor's Prometheus series (names in METRIC). Labels are bounded by the config. */
@Injectable()
export class HealthMetrics {
  private readonly backendUp: Gauge<'service' | 'backend_instance'>;
  private readonly checkDuration: Histogram<'service'>;
  private readonly backendInfo: Gauge<'service' | 'backend_instance' | 'kind'>;
  /** The kind last published per instance, so its info series can be removed when the kind changes. */
  private readonly kinds = new Map<string, string>();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.backendUp = new Gauge({
      name: METRIC.backendUp,
      help: 'Backend instance health from the last check: 1 up, 0.5 degraded, 0 down',
      labelNames: ['service', 'backend_instance'],
      registers: [registry],
    });
    this.checkDuration = new Histogram({
      name: METRIC.healthCheckDuration,
      help: 'Duration of backend health checks, timeouts included',
      labelNames: ['service'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
    this.backendInfo = new Gauge({
      name: METRIC.backendInfo,
      help: 'Always 1: the engine kind of each backend instance (pools may mix kinds)',
      labelNames: ['service', 'backend_instance', 'kind'],
      registers: [registry],
    });
  }

  recordCheck(
    service: ServiceName,
    instance: string,
    kind: string,
    status: Exclude<InstanceStatus, 'unknown'>,
    seconds: number,
  ): void {
    this.backendUp.set({ service, backend_instance: instance }, GAUGE_VALUE[status]);
    const key = `${service}/${instance}`;
    const previousKind = this.kinds.get(key);
    if (previousKind !== kind) {
      if (previousKind) this.backendInfo.remove({ service, backend_instance: instance, kind: previousKind });
      this.backendInfo.set({ service, backend_instance: instance, kind }, 1);
      this.kinds.set(key, kind);
    }
    this.checkDuration.observe({ service }, seconds);
  }

  /** An instance that left the configuration must not linger as a stale series. */
  forget(service: ServiceName, instance: string): void {
    this.backendUp.remove({ service, backend_instance: instance });
    const key = `${service}/${instance}`;
    const kind = this.kinds.get(key);
    if (kind) this.backendInfo.remove({ service, backend_instance: instance, kind });
    this.kinds.delete(key);
  }
}
