import { Registry, collectDefaultMetrics } from 'prom-client';

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

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
