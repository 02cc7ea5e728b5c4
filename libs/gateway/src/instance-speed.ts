/** What the router knows of a call's size before sending it. */
export interface CallSize {
  /** Milliseconds of audio (speech-to-text), when the caller knows them. */
  audioMs?: number;
}

/**
 * Weight of the newest call in the moving averages: about the last ten calls count, so an instance that
 * slows down (or recovers) is noticed within a few calls while one slow call does not swing the routing.
 */
const SMOOTHING = 0.2;

/**
 * Measurements older than this no longer count: an instance that routing has avoided since (it was slow)
 * is measured afresh by round-robin instead of being avoided for ever on an old figure.
 */
export const MEASUREMENT_MAX_AGE_MS = 30_000;

function smoothed(previous: number | null, sample: number): number {
  return previous === null ? sample : previous + SMOOTHING * (sample - previous);
}

/**
 * One instance's measured speed: a moving average (EWMA) of its call latency, and of its real-time factor
 * (processing time / audio duration) over calls whose audio duration was known. Fed only by engine work
 * (transcriptions, translations, diarizations): a proxied call may be anything from /health to a long
 * upload, so its time says nothing about how fast the instance works.
 */
export class InstanceSpeed {
  private latency: number | null = null;
  private realTimeFactor: number | null = null;
  private measuredAt = 0;

  /** The moving average of latency in ms, or null before the first measured call. */
  get latencyMs(): number | null {
    return this.latency;
  }

  /** The moving average of processing time / audio duration, or null before the first sized call. */
  get rtf(): number | null {
    return this.realTimeFactor;
  }

  observe(durationMs: number, size: CallSize = {}, now = Date.now()): void {
    this.latency = smoothed(this.latency, durationMs);
    if (size.audioMs !== undefined && size.audioMs > 0) {
      this.realTimeFactor = smoothed(this.realTimeFactor, durationMs / size.audioMs);
    }
    this.measuredAt = now;
  }

  /**
   * How long a call of this size is expected to take here on its own: real-time factor × audio duration
   * when both are known, else the average latency; undefined while unmeasured (or measured too long ago).
   */
  expectedMs(size: CallSize = {}, now = Date.now()): number | undefined {
    if (this.latency === null || now - this.measuredAt > MEASUREMENT_MAX_AGE_MS) return undefined;
    if (size.audioMs !== undefined && size.audioMs > 0 && this.realTimeFactor !== null) {
      return this.realTimeFactor * size.audioMs;
    }
    return this.latency;
  }

  /** Takes over another estimate (the same instance, rebuilt with a configuration change). */
  adopt(other: InstanceSpeed): void {
    this.latency = other.latency;
    this.realTimeFactor = other.realTimeFactor;
    this.measuredAt = other.measuredAt;
  }
}
