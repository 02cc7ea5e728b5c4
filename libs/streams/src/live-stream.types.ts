import type { StreamsSection } from '@app/config';
import type { Engines } from '@app/engines';
import type { ResultEventName, ResultEvents, StreamSlowDown } from '@app/results';
import type { SessionStore } from '@app/session';
import type { StreamResampler } from './audio/stream-resampler';
import type { DecodeScheduler } from './decoding/decode-scheduler';
import type { StreamRegistry } from './registry/stream-registry';
import type { StreamMetrics } from './stream-metrics';
import type { SpeechDetector } from './voice/speech-detector';

/** Where a stream's events go: to its client, and to its session's room too when `toSession`. */
export type StreamEmit = <E extends ResultEventName>(
  event: E,
  payload: ResultEvents[E],
  toSession: boolean,
) => void;

/** Everything a stream uses, handed in by the service that owns it. */
export interface StreamParts {
  config: StreamsSection;
  detector: SpeechDetector;
  resampler: StreamResampler;
  scheduler: DecodeScheduler;
  /** Read at each call: the configured engine kind can change at run time. */
  engines: Engines;
  sessions: SessionStore;
  /** Where the stream's progress is committed, so any instance can resume it. */
  registry: StreamRegistry;
  /** This instance, as the registry names owners. */
  owner: string;
  metrics: StreamMetrics;
  emit: StreamEmit;
  /** Engines that asked to slow down (429) and whose Retry-After has not passed; translation's only if used. */
  slowDowns: (translates: boolean) => StreamSlowDown[];
  /** Failures the service logs (a history write that failed, ...). */
  warn: (message: string) => void;
}

/** A final already sent by an earlier copy of the stream, after where this copy starts. */
export interface DeliveredFinal {
  utterance: number;
  startMs: number;
  endMs: number;
}

/** Where a stream's clock and utterance numbering begin: 0 for a new stream, the record for a resumed one. */
export interface StreamStart {
  ms: number;
  nextUtterance: number;
  /** The registry epoch this copy holds the stream under. */
  epoch: number;
  /**
   * Finals sent after `ms`: the stream resumed behind a final that was given up (its audio is decoded again
   * here), and the speech after it that was delivered is recognised by its span and not sent twice.
   */
  delivered?: DeliveredFinal[];
}
