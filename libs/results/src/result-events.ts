/**
 * The server→client events that carry results (CONTRACTS.md §3): one payload interface per event, shared
 * by every path that emits them (the pipeline's stages, the direct stream handlers) and by both
 * publishers (Socket.IO server in the orchestrator, Socket.IO Redis emitter in a worker process).
 * The live-stream events of §3a belong in this map too, so they reach a session from either process.
 */
import { LIVE_STREAM_EVENT_NAMES, type LiveStreamEvents } from './live-stream-events';

/** `error`: what failed and why; `{ ok: false, error }` is also what a failed event's acknowledgement gets. */
export interface WireError {
  code: string;
  message: string;
  /** The client event that failed. */
  event: string;
  request_id?: string;
  [detail: string]: unknown;
}

export interface TranscriptSegmentPayload {
  start: number;
  end: number;
  text: string;
  speaker?: string;
}

/** `transcription_result`, plus the meter fields the dashboard shows. */
export interface TranscriptionResultPayload {
  chunk_id: string;
  job_id: string;
  session_id: string | null;
  text: string;
  language: string;
  segments: TranscriptSegmentPayload[];
  confidence: number;
  backend: string;
  audio_level_db: number | null;
  speech_detected: boolean;
}

/**
 * `translation_result`, one shape for a chunk's translation (pipeline) and for `translation_stream`: the
 * chunk id doubles as request id and a direct request's id as chunk id, so clients can pair either way.
 */
/** How an unknown source language was settled (docs/engines.md). */
export interface DetectedLanguagePayload {
  language: string;
  /** 0..1. */
  confidence: number;
  /** `engine`, `identified` by the orchestrator, or the configured `default`. */
  method: 'engine' | 'identified' | 'default';
}

export interface TranslationResultPayload {
  request_id: string;
  chunk_id: string;
  session_id: string | null;
  text: string;
  translated_text: string;
  source_lang: string;
  target_lang: string;
  confidence: number;
  backend: string;
  /** Present when the request named no source language. */
  detected_language?: DetectedLanguagePayload;
}

export interface SpeakerResultPayload {
  chunk_id: string;
  session_id: string | null;
  segments: { speaker: string; start: number; end: number }[];
}

/** Event name → payload of every result event, the live-stream ones (§3a) included. */
export interface ResultEvents extends LiveStreamEvents {
  transcription_result: TranscriptionResultPayload;
  translation_result: TranslationResultPayload;
  speaker_result: SpeakerResultPayload;
  error: WireError;
}

export type ResultEventName = keyof ResultEvents;

/** The names at run time; `satisfies` makes the compiler refuse a missing or extra name. */
export const RESULT_EVENT_NAMES = {
  transcription_result: true,
  translation_result: true,
  speaker_result: true,
  error: true,
  ...LIVE_STREAM_EVENT_NAMES,
} as const satisfies Record<ResultEventName, true>;
