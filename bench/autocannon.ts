import { createRequire } from 'node:module';

/** The part of autocannon's result the benchmarks read. */
export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
}

// autocannon ships no types; this is the part of its API the benchmarks use.
export const autocannon = createRequire(__filename)('autocannon') as (
  options: LoadOptions,
) => Promise<LoadResult>;
