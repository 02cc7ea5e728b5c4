import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { BoundCounter, DomainEvents, METRIC, METRICS_REGISTRY } from '@app/common';
import { ConfigStore, SERVICE_NAMES, instanceKind, type ServiceName } from '@app/config';
import { NO_INSTANCE } from './gateway-metrics';
import { PROXY_ROUTINGS, type ProxyRouting } from './proxy-kinds';

/**
 * Proxied requests per engine kind: which kind answered (`none`: refused, or no instance of the chosen
 * kinds could take it) and how the kind was chosen. Labels are bounded: services and kinds come from the
 * ENGINE_KINDS table, routings from a fixed list. Attempts per instance are in the gateway's own series
 * (GatewayMetrics). The two are alike in shape but kept apart: that one belongs to the backend client, which
 * the pipeline worker loads without any HTTP server, this one to the proxy routes (GatewayHttpModule).
 */
@Injectable()
export class ProxyMetrics implements OnModuleDestroy {
  private readonly requests: BoundCounter<'service' | 'kind' | 'routing'>;
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly configStore: ConfigStore,
    events: DomainEvents,
  ) {
    this.requests = new BoundCounter({
      name: METRIC.proxyRequests,
      help: 'Requests through the /api/<service>/* proxy, by the engine kind that answered and how it was chosen',
      labelNames: ['service', 'kind', 'routing'],
      registers: [registry],
    });
    this.startAtZero();
    this.unsubscribe = events.on('config.changed', () => this.startAtZero());
  }

  record(service: ServiceName, kind: string | null, routing: ProxyRouting): void {
    this.requests.series({ service, kind: kind ?? NO_INSTANCE, routing }).inc();
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** Every kind of every pool, and `none`, from 0, so that rate() sees the first request of each. */
  private startAtZero(): void {
    const { services } = this.configStore.current;
    for (const service of SERVICE_NAMES) {
      const engine = services[service];
      const kinds = new Set(engine.instances.map((instance) => instanceKind(engine, instance)));
      for (const kind of [NO_INSTANCE, ...kinds]) {
        for (const routing of PROXY_ROUTINGS) {
          if (kind !== NO_INSTANCE && routing === 'refused') continue;
          this.requests.series({ service, kind, routing });
        }
      }
    }
  }
}
