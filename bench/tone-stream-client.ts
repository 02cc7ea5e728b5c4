import type { ToneSpeech } from '../test/support/tone-speech';
import type { ShownText } from './tone-scoring';

/** One client's speech, and when (after the run's start) it begins talking. */
export interface StreamPlan {
  index: number;
  speech: ToneSpeech;
  startDelayMs: number;
}

export interface StreamOutcome {
  plan: StreamPlan;
  shown: ShownText[];
  /** The final transcript's words, in audio order. */
  finalWords: string[];
  /** `error` events and failed acknowledgements, by code. */
  errors: string[];
  /** Finals received twice, or holding speech an earlier final (another utterance id) already held (live). */
  repeatedFinals: number;
  /** Finals made while the client was away, replayed to it on its resume (live). */
  replayedFinals: number;
  resumes: number;
  /** Per resume, ms from its stream_start to the ack: the claim, the new copy and the replay sent (live). */
  resumeMs: number[];
  /** Per resume, ms from the ack to the first final the resumed stream decoded itself (live). */
  catchUpMs: number[];
  /** From `stream_status` (live): the largest lag and shed count reported, and reports in state degraded. */
  status: { maxLagMs: number; shedInterim: number; degradedReports: number };
  /** Audio the client still held at the end: after the end of its last final, for a resume (live). */
  retainedMs: number;
  /** How late audio left the client after it was due, ms (the client's own lag, not the server's). */
  sendLateness: number[];
}

/** A client sending its speech in real time, chunk by chunk or frame by frame. */
export interface ToneStreamClient {
  /** Sends whatever audio is due `nowMs` into the stream; true once everything is sent. */
  tick(nowMs: number): boolean;
  /** Waits for the last answers and returns what the client saw. */
  finish(): Promise<StreamOutcome>;
  close(): void;
}

export function newOutcome(plan: StreamPlan): StreamOutcome {
  return {
    plan,
    shown: [],
    finalWords: [],
    errors: [],
    repeatedFinals: 0,
    replayedFinals: 0,
    resumes: 0,
    resumeMs: [],
    catchUpMs: [],
    retainedMs: 0,
    sendLateness: [],
    status: { maxLagMs: 0, shedInterim: 0, degradedReports: 0 },
  };
}
