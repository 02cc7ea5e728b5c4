import type { TranscriptWord } from '../engine.types';
import type { RawTranscript, WhisperSegment } from './transcript-normaliser';

/** The verbose_json body shared by OpenAI-compatible servers and whisper.cpp (and the platform's service). */
export interface VerboseTranscriptBody {
  text?: unknown;
  language?: unknown;
  duration?: unknown;
  segments?: unknown;
  confidence?: unknown;
  words?: unknown;
}

/** `[{ word, start, end }]` with the leading space whisper.cpp puts on each word trimmed. */
function readWords(value: unknown): TranscriptWord[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).flatMap((w) => {
    const start = numberOrUndefined(w.start);
    const end = numberOrUndefined(w.end);
    const word = typeof w.word === 'string' ? w.word.trim() : '';
    return word && start !== undefined && end !== undefined ? [{ word, start, end }] : [];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
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
  // OpenAI-compatible servers list words at the top; whisper.cpp inside each segment.
  const words = Array.isArray(body.words)
    ? readWords(body.words)
    : Array.isArray(body.segments)
      ? body.segments.filter(isRecord).flatMap((segment) => readWords(segment.words))
      : [];
  return {
    ...(words.length > 0 ? { words } : {}),
    text: body.text,
    language: typeof body.language === 'string' && body.language !== '' ? body.language : undefined,
    duration: numberOrUndefined(body.duration),
    segments,
    statedConfidence: numberOrUndefined(body.confidence),
  };
}
