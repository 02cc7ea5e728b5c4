import { BREAKER_STATES, GATEWAY_SUCCESS_OUTCOME, METRIC } from '@app/common';
import type { TrendPoint } from '../analytics.types';
import { histogramQuantile, type LabelFilter, type MetricFamilies } from './metric-families';
import type { Rates } from './trend-series';

/** Routes listed in the JSON; the rest are in /metrics. Keeps the dashboard payload small. */
const TOP_ROUTES = 20;

export interface LatencyMs {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

function toMs(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds * 100000) / 100;
}

export function latencyMs(families: MetricFamilies, name: string, where?: LabelFilter): LatencyMs {
  const { buckets } = families.histogram(name, where);
  return {
    p50: toMs(histogramQuantile(0.5, buckets)),
    p95: toMs(histogramQuantile(0.95, buckets)),
    p99: toMs(histogramQuantile(0.99, buckets)),
  };
}

/** `{ outer: { inner: sum } }` over one family, e.g. pipeline jobs per stage and outcome. */
function nestedSums(families: MetricFamilies, name: string, outer: string, inner: string) {
  const result: Record<string, Record<string, number>> = {};
  for (const key of families.labelValues(name, outer)) {
    result[key] = families.sumBy(name, inner, { [outer]: key });
  }
  return result;
}

export function httpSection(families: MetricFamilies) {
  const byStatus = families.sumBy(METRIC.httpRequests, 'status');
  const byStatusClass: Record<string, number> = {};
  for (const [status, count] of Object.entries(byStatus)) {
    const statusClass = `${status.charAt(0)}xx`;
    byStatusClass[statusClass] = (byStatusClass[statusClass] ?? 0) + count;
  }
  const routes = families
    .samples(METRIC.httpRequests)
    .reduce<Map<string, { method: string; route: string; requests: number }>>((acc, sample) => {
      const method = String(sample.labels.method);
      const route = String(sample.labels.route);
      const key = `${method} ${route}`;
      const entry = acc.get(key) ?? { method, route, requests: 0 };
      entry.requests += sample.value;
      return acc.set(key, entry);
    }, new Map());
  return {
    requests_total: families.sum(METRIC.httpRequests),
    by_status_class: byStatusClass,
    latency_ms: latencyMs(families, METRIC.httpDuration),
    top_routes: [...routes.values()]
      .sort((a, b) => b.requests - a.requests)
      .slice(0, TOP_ROUTES)
      .map((route) => ({
        ...route,
        p95_ms: latencyMs(families, METRIC.httpDuration, { method: route.method, route: route.route }).p95,
      })),
  };
}

export function gatewaySection(families: MetricFamilies) {
  const services = families.labelValues(METRIC.gatewayRequests, 'service');
  const instanceSeries = new Map<string, { service: string; instance: string }>();
  for (const name of [METRIC.gatewayRequests, METRIC.gatewayBreaker, METRIC.backendUp]) {
    for (const { labels } of families.samples(name)) {
      const service = String(labels.service);
      const instance = String(labels.backend_instance);
      instanceSeries.set(`${service}/${instance}`, { service, instance });
    }
  }
  const requestsTotal = families.sum(METRIC.gatewayRequests);
  return {
    requests_total: requestsTotal,
    failures_total:
      requestsTotal - families.sum(METRIC.gatewayRequests, { outcome: GATEWAY_SUCCESS_OUTCOME }),
    by_service: Object.fromEntries(
      services.map((service) => [
        service,
        {
          requests: families.sum(METRIC.gatewayRequests, { service }),
          by_outcome: families.sumBy(METRIC.gatewayRequests, 'outcome', { service }),
          in_flight: families.sum(METRIC.gatewayInFlight, { service }),
          latency_ms: latencyMs(families, METRIC.gatewayDuration, { service }),
        },
      ]),
    ),
    instances: [...instanceSeries.values()].map(({ service, instance }) => {
      const where = { service, backend_instance: instance };
      const breaker = families.samples(METRIC.gatewayBreaker, where)[0]?.value;
      const up = families.samples(METRIC.backendUp, where)[0]?.value;
      return {
        service,
        instance,
        requests: families.sum(METRIC.gatewayRequests, where),
        in_flight: families.sum(METRIC.gatewayInFlight, where),
        breaker: breaker === undefined ? null : (BREAKER_STATES[breaker] ?? null),
        up: up ?? null,
      };
    }),
  };
}

export function connectionsSection(families: MetricFamilies) {
  return {
    connections: families.sum(METRIC.websocketConnections),
    peak: families.sum(METRIC.websocketPeak),
    sessions_active: families.sum(METRIC.sessionsActive),
    messages_total: families.sumBy(METRIC.websocketMessages, 'direction'),
    rejected_total: families.sumBy(METRIC.websocketRejected, 'reason'),
  };
}

export function pipelineSection(families: MetricFamilies) {
  const stages = families.labelValues(METRIC.pipelineStageDuration, 'stage');
  return {
    jobs: nestedSums(families, METRIC.pipelineJobs, 'stage', 'outcome'),
    queue_depth: nestedSums(families, METRIC.pipelineQueueDepth, 'stage', 'state'),
    stage_duration_ms: Object.fromEntries(
      stages.map((stage) => [stage, latencyMs(families, METRIC.pipelineStageDuration, { stage })]),
    ),
  };
}

/** Default prom-client process metrics, in the units an operator reads at a glance. */
export function processSection(families: MetricFamilies) {
  return {
    cpu_seconds_total: families.sum('process_cpu_seconds_total'),
    resident_memory_bytes: families.sum('process_resident_memory_bytes'),
    heap_used_bytes: families.sum('nodejs_heap_size_used_bytes'),
    event_loop_lag_p99_seconds: families.sum('nodejs_eventloop_lag_p99_seconds'),
  };
}

export function trendPointWire(point: TrendPoint) {
  return {
    time: point.time,
    interval_seconds: point.intervalSeconds,
    http_requests_per_second: point.httpRequestsPerSecond,
    gateway_requests_per_second: point.gatewayRequestsPerSecond,
    gateway_failures_per_second: point.gatewayFailuresPerSecond,
    websocket_messages_per_second: point.websocketMessagesPerSecond,
    pipeline_jobs_per_second: point.pipelineJobsPerSecond,
    http_p95_ms: point.httpP95Ms,
    websocket_connections: point.websocketConnections,
    sessions_active: point.sessionsActive,
  };
}

export function ratesWire(rates: Rates) {
  return {
    window_seconds: rates.windowSeconds,
    http_requests_per_second: rates.httpRequestsPerSecond,
    gateway_requests_per_second: rates.gatewayRequestsPerSecond,
    websocket_messages_per_second: rates.websocketMessagesPerSecond,
    pipeline_jobs_per_second: rates.pipelineJobsPerSecond,
  };
}
