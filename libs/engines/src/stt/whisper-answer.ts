import type { TranscriptWord } from '../engine.types';
import type { RawTranscript, WhisperSegment } from './transcript-normaliser';

/** The verbose_json body shared by OpenAI-compatible servers and whisper.cpp (and the platform's service). */
export interface VerboseTranscriptBody {
  text?: unknown;
  language?: unknown;
  duration?: unknown;
  segments?: unknown;
  confidence?: unknown;
  /** OpenAI, when asked with timestamp_granularities[]=word. */
  words?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function readWords(list: unknown): TranscriptWord[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).flatMap((w) => {
    const start = numberOrUndefined(w.start);
    const end = numberOrUndefined(w.end);
    return typeof w.word === 'string' && start !== undefined && end !== undefined
      ? [{ word: w.word, start, end }]
      : [];
  });
}

/**
 * Word timings: OpenAI's top-level `words`, else whisper.cpp's per-segment `words`; undefined when the body
 * has neither, so callers can tell "no timings" from "no words".
 */
function readAllWords(body: VerboseTranscriptBody): TranscriptWord[] | undefined {
  if (Array.isArray(body.words)) return readWords(body.words);
  const segments = Array.isArray(body.segments) ? body.segments.filter(isRecord) : [];
  if (!segments.some((s) => Array.isArray(s.words))) return undefined;
  return segments.flatMap((s) => readWords(s.words));
}

/** Reads a verbose_json-like body defensively; undefined when it has no text at all. */
export function readVerboseTranscript(body: unknown): RawTranscript | undefined {
  if (!isRecord(body) || typeof body.text !== 'string') return undefined;
  const segments: WhisperSegment[] = Array.isArray(body.segments)
    ? body.segments.filter(isRecord).map((s) => ({
        start: numberOrUndefined(s.start),
        end: numberOrUndefined(s.end),
        text: typeof s.text === 'string' ? s.text : '',
        avg_logprob: numberOrUndefined(s.avg_logprob),
        no_speech_prob: numberOrUndefined(s.no_speech_prob),
        speaker: typeof s.speaker === 'string' || typeof s.speaker === 'number' ? s.speaker : undefined,
      }))
    : [];
  return {
    text: body.text,
    language: typeof body.language === 'string' && body.language !== '' ? body.language : undefined,
    duration: numberOrUndefined(body.duration),
    segments,
    words: readAllWords(body),
    statedConfidence: numberOrUndefined(body.confidence),
  };
}
