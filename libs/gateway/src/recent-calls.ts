/** What the calls of the last window looked like; latencies in milliseconds, null when there were none. */
export interface RecentCallsSummary {
  calls: number;
  failures: number;
  /** successes / calls, null without calls. */
  successRate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * The calls of the last `windowMs`, for rates and percentiles that describe now rather than since boot. A
 * ring of `capacity` samples (the oldest overwritten first) so recording is O(1) on the proxy's hot path and
 * a busy instance costs a fixed amount of memory; under heavy load the window covers the most recent calls.
 */
export class RecentCalls {
  private readonly times: Float64Array;
  private readonly durations: Float64Array;
  private readonly failed: Uint8Array;
  /** Index of the oldest sample and number of samples held. */
  private start = 0;
  private count = 0;

  constructor(
    private readonly windowMs: number,
    private readonly capacity = 2048,
    private readonly now: () => number = Date.now,
  ) {
    this.times = new Float64Array(capacity);
    this.durations = new Float64Array(capacity);
    this.failed = new Uint8Array(capacity);
  }

  record(durationMs: number, succeeded: boolean): void {
    const slot = (this.start + this.count) % this.capacity;
    this.times[slot] = this.now();
    this.durations[slot] = durationMs;
    this.failed[slot] = succeeded ? 0 : 1;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** Success rate and nearest-rank percentiles of the samples still inside the window. */
  summary(): RecentCallsSummary {
    const cutoff = this.now() - this.windowMs;
    while (this.count > 0 && this.times[this.start] < cutoff) {
      this.start = (this.start + 1) % this.capacity;
      this.count--;
    }
    const sorted = new Float64Array(this.count);
    let failures = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.start + i) % this.capacity;
      sorted[i] = this.durations[slot];
      failures += this.failed[slot];
    }
    sorted.sort();
    const rank = (p: number): number | null =>
      sorted.length === 0
        ? null
        : round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]);
    return {
      calls: this.count,
      failures,
      successRate: this.count === 0 ? null : round((this.count - failures) / this.count, 4),
      p50: rank(0.5),
      p95: rank(0.95),
      p99: rank(0.99),
    };
  }
}

function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
