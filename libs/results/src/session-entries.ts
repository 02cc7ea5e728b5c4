import type { SpeakerSegment } from '@app/engines';
import type { SessionEntry } from '@app/session';
import type { TranscriptSource, TranslationSource } from './result-payloads';

/**
 * Session history entries, one builder per kind for every path that appends one. Each carries its offset
 * from the session's start in seconds (and translations the chunk's duration), so exports can place them
 * in time; a direct stream request has no place in the session's audio and is at offset 0.
 */
export interface EntryTiming {
  offset: number;
  duration?: number;
}

export function transcriptEntry(
  chunkId: string,
  transcript: Omit<TranscriptSource, 'audioLevelDb' | 'speechDetected'>,
  { offset }: EntryTiming,
): SessionEntry {
  return {
    kind: 'transcript',
    chunkId,
    at: new Date().toISOString(),
    text: transcript.text,
    language: transcript.language,
    confidence: transcript.confidence,
    segments: transcript.segments,
    offset,
    backend: transcript.backend,
  };
}

export function translationEntry(
  chunkId: string,
  translation: TranslationSource,
  { offset, duration }: EntryTiming,
): SessionEntry {
  return {
    kind: 'translation',
    chunkId,
    at: new Date().toISOString(),
    text: translation.text,
    translatedText: translation.translatedText,
    sourceLanguage: translation.sourceLanguage,
    targetLanguage: translation.targetLanguage,
    confidence: translation.confidence,
    offset,
    ...(duration !== undefined ? { duration } : {}),
    backend: translation.backend,
  };
}

export function speakersEntry(
  chunkId: string,
  segments: SpeakerSegment[],
  { offset }: EntryTiming,
): SessionEntry {
  return { kind: 'speakers', chunkId, at: new Date().toISOString(), segments, offset };
}
