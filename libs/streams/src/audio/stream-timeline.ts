import { RealtimeError } from '@app/realtime';

/** Where a frame's audio goes on the stream's timeline. */
export interface PlacedFrame {
  /** Silence to insert before the audio, in samples (a gap the client left). */
  silence: number;
  /** The part of the frame not already held (an overlap is trimmed off its start). */
  audio: Int16Array;
}

/**
 * The stream's sample clock at the client's sample rate. Frames carry `offset_ms`; a frame that starts
 * before the end of the audio held overlaps it and is trimmed, one that starts after it leaves a gap that is
 * filled with silence (so later times stay true) and counted. A gap beyond `maxGapMs` is refused: a wild
 * offset must not make the server generate hours of silence.
 */
export class StreamTimeline {
  private received = 0;
  private gaps = 0;
  private overlaps = 0;

  constructor(
    readonly sampleRate: number,
    private readonly maxGapMs: number,
    /** Where the client's clock starts (a resumed stream continues from what was already covered). */
    startMs = 0,
  ) {
    this.received = Math.round((startMs * sampleRate) / 1000);
  }

  get receivedMs(): number {
    return (this.received * 1000) / this.sampleRate;
  }

  get gapsMs(): number {
    return (this.gaps * 1000) / this.sampleRate;
  }

  get overlapsMs(): number {
    return (this.overlaps * 1000) / this.sampleRate;
  }

  place(offsetMs: number, samples: Int16Array): PlacedFrame {
    const start = Math.round((offsetMs * this.sampleRate) / 1000);
    if (start > this.received) {
      const gap = start - this.received;
      if ((gap * 1000) / this.sampleRate > this.maxGapMs) {
        throw new RealtimeError(
          'INVALID_OFFSET',
          `offset_ms ${offsetMs} is ${Math.round((gap * 1000) / this.sampleRate)} ms after the audio held (` +
            `${Math.round(this.receivedMs)} ms); gaps over ${this.maxGapMs} ms are refused`,
          { field: 'offset_ms', received_ms: Math.round(this.receivedMs) },
        );
      }
      this.gaps += gap;
      this.received += gap + samples.length;
      return { silence: gap, audio: samples };
    }
    const overlap = Math.min(this.received - start, samples.length);
    this.overlaps += overlap;
    const audio = samples.subarray(overlap);
    this.received += audio.length;
    return { silence: 0, audio };
  }
}
