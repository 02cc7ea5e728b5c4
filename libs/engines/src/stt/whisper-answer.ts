import type { RawTranscript, WhisperSegment } from './transcript-normaliser';

/** The verbose_json body shared by OpenAI-compatible servers and whisper.cpp (and the platform's service). */
export interface VerboseTranscriptBody {
  text?: unknown;
  language?: unknown;
  duration?: unknown;
  segments?: unknown;
  confidence?: unknown;
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
  return {
    text: body.text,
    language: typeof body.language === 'string' && body.language !== '' ? body.language : undefined,
    duration: numberOrUndefined(body.duration),
    segments,
    statedConfidence: numberOrUndefined(body.confidence),
  };
}
