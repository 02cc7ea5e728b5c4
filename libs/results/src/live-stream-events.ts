/** CONTRACTS §3a: the payloads of a live stream's events. Times are ms from the stream's first sample. */

export interface StreamStartedPayload {
  stream_id: string;
  session_id: string | null;
  resume_from_ms: number;
}

export interface StreamStoppedPayload {
  stream_id: string;
  audio_ms: number;
  finals: number;
}

/** The open utterance as decoded so far; `stable_text` is the prefix that will not change any more. */
export interface TranscriptInterimPayload {
  stream_id: string;
  utterance_id: string;
  text: string;
  stable_text: string;
  start_ms: number;
  end_ms: number;
}

/** Exactly once per utterance, in order. */
export interface TranscriptFinalPayload {
  stream_id: string;
  utterance_id: string;
  text: string;
  words?: { word: string; start_ms: number; end_ms: number }[];
  start_ms: number;
  end_ms: number;
  language: string;
  confidence: number;
  backend: string;
}

/** Per final and target language; one that cannot be made is an `error` naming the utterance. */
export interface TranslationFinalPayload {
  stream_id: string;
  utterance_id: string;
  target_lang: string;
  text: string;
  translated_text: string;
  confidence: number;
  backend: string;
}

export const STREAM_STATES = ['active', 'degraded', 'detached', 'stopping'] as const;
export type StreamState = (typeof STREAM_STATES)[number];

/**
 * An engine of a service the stream uses answered 429 (back-pressure, not failure): its calls go to other
 * instances or wait until `until` (ISO time), the end of the Retry-After it asked for.
 */
export interface StreamSlowDown {
  service: 'whisper' | 'translation';
  until: string;
}

/** At least every 2 s while the stream is open. */
export interface StreamStatusPayload {
  stream_id: string;
  received_ms: number;
  final_ms: number;
  /** Audio received but not yet covered by a final or interim decode. */
  lag_ms: number;
  rtf: number;
  gaps_ms: number;
  shed_interim: number;
  /** `degraded` while lag_ms is beyond streams.degraded_lag_ms (until it is back below recovered_lag_ms). */
  state: StreamState;
  /** Services whose engines asked to slow down and whose Retry-After has not passed; empty otherwise. */
  slow_down: StreamSlowDown[];
  /** Closed utterances whose final failed on every engine and waits, with its audio, for a retry. */
  held_finals: number;
}

export interface LiveStreamEvents {
  stream_started: StreamStartedPayload;
  stream_stopped: StreamStoppedPayload;
  transcript_interim: TranscriptInterimPayload;
  transcript_final: TranscriptFinalPayload;
  translation_final: TranslationFinalPayload;
  stream_status: StreamStatusPayload;
}

export const LIVE_STREAM_EVENT_NAMES = {
  stream_started: true,
  stream_stopped: true,
  transcript_interim: true,
  transcript_final: true,
  translation_final: true,
  stream_status: true,
} as const satisfies Record<keyof LiveStreamEvents, true>;
