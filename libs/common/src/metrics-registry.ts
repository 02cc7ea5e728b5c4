import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Injection token for the one prom-client registry of the process. Every module registers its own metrics
 * on it; the analytics module serves it at /metrics.
 */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/**
 * How long a metric's collect() may wait on I/O (Redis) during a scrape. Scrapes must answer while a
 * dependency is down; that is when operators look.
 */
export const SCRAPE_DEADLINE_MS = 1000;

/**
 * prom-client's default collectors name three gauges like counters (`_total`), which `promtool check
 * metrics` rejects and which PromQL users would rate(). They are served under these names instead, with
 * the same values; the per-type gauges (`nodejs_active_handles{type}` …) are unchanged.
 */
export const RENAMED_DEFAULT_GAUGES: Readonly<Record<string, string>> = {
  nodejs_active_handles_total: 'nodejs_active_handles_all',
  nodejs_active_requests_total: 'nodejs_active_requests_all',
  nodejs_active_resources_total: 'nodejs_active_resources_all',
};

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const [original, renamed] of Object.entries(RENAMED_DEFAULT_GAUGES)) {
    const collector = registry.getSingleMetric(original);
    if (!collector) continue;
    registry.removeSingleMetric(original);
    new Gauge({
      name: renamed,
      help: `${(collector as unknown as { help: string }).help} (prom-client's ${original})`,
      registers: [registry],
      // Reads the default collector's own value at each scrape.
      async collect() {
        const { values } = await collector.get();
        this.set(values[0]?.value ?? 0);
      },
    });
  }
  return registry;
}
