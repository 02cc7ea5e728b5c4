interface Span {
  /** When the instance entered this availability; it lasts until the next span starts (or now). */
  from: number;
  available: boolean;
}

/**
 * Some flapping backend could change state on every check; past this many changes inside the window the
 * oldest are dropped, which keeps memory bounded at the cost of a slightly shorter effective window.
 */
const MAX_SPANS = 10_000;

/**
 * Time-weighted availability over a sliding window. Time before the first check is unknown and left out
 * of the denominator, so an instance checked for ten seconds, up throughout, is 100 % up, not 0.3 %.
 * Only changes are stored: a steady instance costs one entry however long it runs.
 */
export class UptimeWindow {
  private readonly spans: Span[] = [];

  record(at: number, available: boolean, windowMs: number): void {
    const last = this.spans.at(-1);
    if (!last || last.available !== available) this.spans.push({ from: at, available });
    this.prune(at - windowMs);
  }

  /** Percentage (two decimals) of the known time inside [now - windowMs, now]; null before any check. */
  percent(now: number, windowMs: number): number | null {
    if (this.spans.length === 0) return null;
    const windowStart = now - windowMs;
    let known = 0;
    let available = 0;
    this.spans.forEach((span, index) => {
      const from = Math.max(span.from, windowStart);
      const to = Math.min(this.spans[index + 1]?.from ?? now, now);
      if (to <= from) return;
      known += to - from;
      if (span.available) available += to - from;
    });
    // Checked this very instant: the one sample is all there is to go on.
    if (known === 0) return this.spans[this.spans.length - 1].available ? 100 : 0;
    return Math.round((available / known) * 10_000) / 100;
  }

  /** Drops spans that ended before the window; the span in force at the window's start is kept. */
  private prune(windowStart: number): void {
    while (this.spans.length > 1 && this.spans[1].from <= windowStart) this.spans.shift();
    if (this.spans.length > MAX_SPANS) this.spans.splice(0, this.spans.length - MAX_SPANS);
  }
}
