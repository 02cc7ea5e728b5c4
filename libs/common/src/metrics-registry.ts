import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Injection token for the one prom-client registry of the process. Every module registers its own metrics
 * on it; the analytics module serves it at /metrics.
 */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
