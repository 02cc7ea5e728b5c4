/** The outcome of counting one request against a bucket. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the bucket's window ends and the count starts again. */
  resetMs: number;
}

/**
 * Fixed-window counters: the first hit opens a window of `windowMs`; up to `limit` hits are allowed in it.
 * Drivers: memory (one process) and Redis (shared by every instance); chosen in SecurityModule's factory.
 */
export interface RateLimiter {
  hit(bucket: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
}

export const RATE_LIMITER = Symbol('RATE_LIMITER');

export function decide(count: number, limit: number, resetMs: number): RateLimitDecision {
  return {
    allowed: count <= limit,
    limit,
    remaining: Math.max(0, limit - count),
    resetMs: Math.max(0, resetMs),
  };
}
