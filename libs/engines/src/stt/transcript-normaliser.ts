import { UNSCORED_CONFIDENCE, clamp01 } from '../confidence';
import { languageToIso1 } from '../language-codes';
import type { TranscriptSegment, TranscriptWord, TranscriptionResult } from '../engine.types';

/** A segment as Whisper-family servers send it (OpenAI verbose_json, whisper.cpp, sometimes livetranslate). */
export interface WhisperSegment {
  start?: number;
  end?: number;
  text?: string;
  avg_logprob?: number;
  no_speech_prob?: number;
  speaker?: string | number;
}

/** What an adapter extracted from its engine's answer, before the common normalisation. */
export interface RawTranscript {
  text: string;
  /** As reported: a code (`en`), an ISO 639-3 code or a full name (`english`). */
  language?: string;
  duration?: number;
  segments: WhisperSegment[];
  /** A confidence the engine states itself, used only when the segments carry no scores. */
  statedConfidence?: number;
  /** The engine said in its own way that it heard nothing. */
  noSpeech?: boolean;
  /** Word timestamps (OpenAI `words`, whisper.cpp `segments[].words`), when the engine gave them. */
  words?: TranscriptWord[];
}

/**
 * Whisper's own decoding rule for silence: a segment whose no-speech probability is above 0.6 while its
 * average log-probability is below -1 is treated as no speech (openai/whisper `transcribe()` defaults).
 */
const NO_SPEECH_PROB_THRESHOLD = 0.6;
const LOGPROB_THRESHOLD = -1;

/** A language to send to an engine: undefined for detection ('auto' or nothing). */
export function explicitLanguage(language: string | undefined): string | undefined {
  return language && language !== 'auto' ? language : undefined;
}

function isScored(segment: WhisperSegment): segment is WhisperSegment & { avg_logprob: number } {
  return typeof segment.avg_logprob === 'number' && Number.isFinite(segment.avg_logprob);
}

/**
 * Confidence from Whisper segment scores: each segment's mean token probability, exp(avg_logprob), times
 * the probability that it is speech at all, 1 - no_speech_prob; averaged over segments weighted by their
 * duration (equal weights when durations are missing). Undefined when no segment carries a score.
 */
export function segmentConfidence(segments: WhisperSegment[]): number | undefined {
  const scored = segments.filter(isScored);
  if (scored.length === 0) return undefined;
  let weighted = 0;
  let totalWeight = 0;
  for (const segment of scored) {
    const span = (segment.end ?? 0) - (segment.start ?? 0);
    const weight = span > 0 ? span : 1;
    const speech = 1 - clamp01(segment.no_speech_prob ?? 0);
    weighted += weight * clamp01(Math.exp(segment.avg_logprob)) * speech;
    totalWeight += weight;
  }
  return clamp01(weighted / totalWeight);
}

function allSilent(segments: WhisperSegment[]): boolean {
  return (
    segments.length > 0 &&
    segments.every(
      (s) =>
        (s.no_speech_prob ?? 0) > NO_SPEECH_PROB_THRESHOLD &&
        isScored(s) &&
        s.avg_logprob < LOGPROB_THRESHOLD,
    )
  );
}

function normaliseSegment(segment: WhisperSegment): TranscriptSegment {
  const normalised: TranscriptSegment = {
    start: Number(segment.start ?? 0),
    end: Number(segment.end ?? segment.start ?? 0),
    text: (segment.text ?? '').trim(),
  };
  if (segment.speaker !== undefined && segment.speaker !== null) normalised.speaker = String(segment.speaker);
  return normalised;
}

/**
 * The one result shape of every speech-to-text adapter. The language falls back to the requested one, then
 * to `und` (ISO 639 "undetermined"), so downstream stages always get a code.
 */
export function normaliseTranscript(
  raw: RawTranscript,
  context: { backend: string; requestedLanguage?: string; processingMs: number },
): TranscriptionResult {
  const text = raw.text.trim();
  const noSpeech = raw.noSpeech === true || text === '' || allSilent(raw.segments);
  const segments = noSpeech ? [] : raw.segments.map(normaliseSegment).filter((s) => s.text !== '');
  const lastEnd = segments.length > 0 ? segments[segments.length - 1].end : undefined;
  const duration = typeof raw.duration === 'number' && raw.duration > 0 ? raw.duration : lastEnd;
  const requested = explicitLanguage(context.requestedLanguage);
  const language = (raw.language ? languageToIso1(raw.language) : undefined) ?? requested ?? 'und';
  const confidence = noSpeech
    ? 0
    : (segmentConfidence(raw.segments) ??
      (typeof raw.statedConfidence === 'number' ? clamp01(raw.statedConfidence) : UNSCORED_CONFIDENCE));
  return {
    text: noSpeech ? '' : text,
    language,
    segments,
    confidence,
    backend: context.backend,
    ...(duration !== undefined ? { duration } : {}),
    processingMs: context.processingMs,
    noSpeech,
    ...(!noSpeech && raw.words && raw.words.length > 0 ? { words: raw.words } : {}),
  };
}
