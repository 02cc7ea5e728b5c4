import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { BoundCounter, BoundHistogram, METRIC, METRICS_REGISTRY } from '@app/common';
import { BOOT_CONFIG, type OrchestrationConfig } from '@app/config';

/** Requests without a matching route (404s, scanners): one label value, never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Latency buckets in seconds: fine below 100 ms where REST and health answers sit, coarse up to the 30 s
 * gateway timeout where proxied transcriptions sit. Few buckets keep /metrics small per route.
 */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Counts and times every HTTP request through a Fastify onResponse hook. Labels are the route pattern
 * (`/api/whisper/*`), the method and the status, so the series count is bounded by the routes the app has.
 */
@Injectable()
export class HttpInstrumentation implements OnModuleInit {
  private readonly requests: BoundCounter<'method' | 'route' | 'status'>;
  private readonly duration: BoundHistogram<'method' | 'route'>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(BOOT_CONFIG) private readonly config: OrchestrationConfig,
  ) {
    this.requests = new BoundCounter({
      name: METRIC.httpRequests,
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    this.duration = new BoundHistogram({
      name: METRIC.httpDuration,
      help: 'HTTP request duration in seconds, from request received to response sent',
      labelNames: ['method', 'route'],
      buckets: HTTP_DURATION_BUCKETS,
      registers: [registry],
    });
  }

  onModuleInit(): void {
    if (!this.config.metrics.enabled) return;
    // Requests to no route (404s of scanners and typos) start at 0 per method, so increase() sees the first.
    for (const method of [...KNOWN_METHODS, 'OTHER']) {
      this.requests.series({ method, route: UNMATCHED_ROUTE, status: '404' });
    }
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      this.observe(request, reply);
      done();
    });
  }

  observe(request: FastifyRequest, reply: FastifyReply): void {
    const method = KNOWN_METHODS.has(request.method) ? request.method : 'OTHER';
    const route = routeLabel(request);
    this.requests.series({ method, route, status: String(reply.statusCode) }).inc();
    this.duration.series({ method, route }).observe(reply.elapsedTime / 1000);
  }
}

/** Fastify's matched pattern; its 404 handler has none (or the catch-all `*` of the not-found route). */
export function routeLabel(request: FastifyRequest): string {
  const pattern = request.routeOptions?.url;
  if (!pattern || request.is404) return UNMATCHED_ROUTE;
  return pattern;
}
