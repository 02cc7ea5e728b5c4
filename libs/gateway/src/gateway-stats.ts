import { Injectable } from '@nestjs/common';
import { ConfigStore, SERVICE_NAMES, type ServiceName } from '@app/config';
import type { BackendInstanceView } from './backend-client';
import { BackendPool } from './backend-pool';
import type { GatewayOutcome } from './gateway-errors';
import { GatewayMetrics } from './gateway-metrics';
import { RecentCalls, type RecentCallsSummary } from './recent-calls';

/** Counters since start, and what the last `windowSeconds` looked like. */
export interface CallStats {
  requests: number;
  errors: number;
  /** Over the window; null when there were no calls in it. */
  successRate: number | null;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  inFlight: number;
}

export interface InstanceStats extends BackendInstanceView, CallStats {}

export interface ServiceStats extends CallStats {
  service: ServiceName;
  /** The service's configured kind, which instances without their own `kind=` speak. */
  kind: string;
  /** The kinds its instances speak, in instance order (more than one in a mixed pool). */
  kinds: string[];
  instances: InstanceStats[];
}

export interface GatewayStatsSnapshot {
  timestamp: string;
  windowSeconds: number;
  services: ServiceStats[];
}

class Tally {
  requests = 0;
  errors = 0;
  recent: RecentCalls;
  constructor(
    readonly url: string,
    readonly windowMs: number,
  ) {
    this.recent = new RecentCalls(windowMs);
  }
}

function callStats(
  tally: Tally | undefined,
  summary: RecentCallsSummary | undefined,
  inFlight: number,
): CallStats {
  return {
    requests: tally?.requests ?? 0,
    errors: tally?.errors ?? 0,
    successRate: summary?.successRate ?? null,
    latencyMs: { p50: summary?.p50 ?? null, p95: summary?.p95 ?? null, p99: summary?.p99 ?? null },
    inFlight,
  };
}

/** Counts one call in a tally; no per-call array or closure on the proxy's hot path. */
function count(tally: Tally, succeeded: boolean, durationMs: number | null): void {
  tally.requests++;
  if (!succeeded) tally.errors++;
  if (durationMs !== null) tally.recent.record(durationMs, succeeded);
}

/**
 * Per service and instance: what the dashboard's gateway panel and the analytics module show. Every
 * attempt is counted at the instance that served it; calls refused before reaching one (bad path, nothing
 * available) count for the service only. Also feeds the Prometheus series, so both always agree.
 */
@Injectable()
export class GatewayStats {
  private readonly tallies = new Map<string, Tally>();

  constructor(
    private readonly pool: BackendPool,
    private readonly metrics: GatewayMetrics,
    private readonly configStore: ConfigStore,
  ) {}

  record(
    service: ServiceName,
    instanceId: string | null,
    outcome: GatewayOutcome,
    durationMs: number | null,
  ): void {
    this.metrics.record(service, instanceId, outcome, durationMs);
    const succeeded = outcome === 'success';
    const windowMs = this.configStore.current.gateway.statsWindowSeconds * 1000;
    count(this.tally(service, service, windowMs), succeeded, durationMs);
    if (instanceId !== null) {
      count(this.tally(instanceId, this.urlOf(service, instanceId), windowMs), succeeded, durationMs);
    }
  }

  snapshot(): GatewayStatsSnapshot {
    return {
      timestamp: new Date().toISOString(),
      windowSeconds: this.configStore.current.gateway.statsWindowSeconds,
      services: SERVICE_NAMES.map((service) => {
        const backends = this.pool.service(service);
        const instances = backends.instances.map((instance): InstanceStats => {
          const tally = this.tallies.get(instance.id);
          const current = tally?.url === instance.url ? tally : undefined;
          return { ...instance.view(), ...callStats(current, current?.recent.summary(), instance.inFlight) };
        });
        const tally = this.tallies.get(service);
        const inFlight = instances.reduce((sum, instance) => sum + instance.inFlight, 0);
        return {
          service,
          kind: this.configStore.current.services[service].kind,
          kinds: [...new Set(backends.instances.map((instance) => instance.kind))],
          ...callStats(tally, tally?.recent.summary(), inFlight),
          instances,
        };
      }),
    };
  }

  private urlOf(service: ServiceName, instanceId: string): string {
    return this.pool.service(service).find(instanceId)?.url ?? '';
  }

  /** A tally starts afresh when its instance id now points at another URL (configuration changed). */
  private tally(key: string, url: string, windowMs: number): Tally {
    const existing = this.tallies.get(key);
    if (existing && existing.url === url && existing.windowMs === windowMs) return existing;
    const created = new Tally(url, windowMs);
    // A new window length starts a new window; the totals since start carry over for the same URL.
    if (existing && existing.url === url) {
      created.requests = existing.requests;
      created.errors = existing.errors;
    }
    this.tallies.set(key, created);
    return created;
  }
}
