import { decide, type RateLimitDecision, type RateLimiter } from './rate-limiter';

interface Window {
  count: number;
  endsAt: number;
}

/**
 * In-process counters. Expired windows are swept as new buckets appear and the table is capped, so a flood
 * of distinct client addresses cannot grow memory without bound (the oldest windows are dropped first,
 * which errs towards letting a request through).
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly maxBuckets = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  hit(bucket: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    const now = this.now();
    let window = this.windows.get(bucket);
    if (!window || window.endsAt <= now) {
      if (window) this.windows.delete(bucket);
      this.makeRoom(now);
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(bucket, window);
    }
    window.count += 1;
    return Promise.resolve(decide(window.count, limit, window.endsAt - now));
  }

  get size(): number {
    return this.windows.size;
  }

  private makeRoom(now: number): void {
    if (this.windows.size < this.maxBuckets) return;
    for (const [bucket, window] of this.windows) {
      if (window.endsAt <= now) this.windows.delete(bucket);
    }
    // Map iteration is insertion order: the first entries are the oldest windows.
    for (const bucket of this.windows.keys()) {
      if (this.windows.size < this.maxBuckets) break;
      this.windows.delete(bucket);
    }
  }
}
