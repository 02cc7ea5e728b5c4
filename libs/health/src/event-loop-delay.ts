import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** How often the loop is sampled. Coarser costs less; a delay shorter than this can hide between samples. */
const RESOLUTION_MS = 20;

export interface LoopDelayReading {
  /** The median, which a moment of CPU contention on a busy host does not move. */
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

type DelayHistogram = Pick<IntervalHistogram, 'percentile' | 'mean' | 'reset' | 'enable' | 'disable'>;

/**
 * Event-loop delay since the previous reading. monitorEventLoopDelay records the whole time between two
 * timer callbacks, that is the resolution plus the delay, so an idle loop would read as about 20 ms; the
 * resolution is taken off here (clamped at 0: a timer can fire a fraction of a millisecond early).
 */
export class EventLoopDelay {
  constructor(
    private readonly histogram: DelayHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS }),
    private readonly resolutionMs = RESOLUTION_MS,
  ) {}

  start(): void {
    this.histogram.enable();
  }

  stop(): void {
    this.histogram.disable();
  }

  /** The delay since the last reading, which starts a new window. */
  read(): LoopDelayReading {
    const reading = {
      p50Ms: this.beyondResolution(this.histogram.percentile(50)),
      p99Ms: this.beyondResolution(this.histogram.percentile(99)),
      meanMs: this.beyondResolution(this.histogram.mean),
    };
    this.histogram.reset();
    return reading;
  }

  private beyondResolution(nanoseconds: number): number {
    // An empty window has a NaN mean and a zero percentile.
    if (!Number.isFinite(nanoseconds) || nanoseconds === 0) return 0;
    return Math.max(0, nanoseconds / 1e6 - this.resolutionMs);
  }
}
