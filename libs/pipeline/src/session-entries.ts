import type { SpeakerSegment } from '@app/engines';
import type { SessionEntry } from '@app/session';
import type { PipelineJobMeta, TranscriptRecord, TranslationRecord } from './state/pipeline-job-record';

/**
 * Session history entries for a chunk's results. Each carries the chunk's offset from the session's start
 * (and translations the chunk's duration), so exports can place them in time.
 */
export function transcriptEntry(meta: PipelineJobMeta, transcript: TranscriptRecord): SessionEntry {
  return {
    kind: 'transcript',
    chunkId: meta.chunkId,
    at: new Date().toISOString(),
    text: transcript.text,
    language: transcript.language,
    confidence: transcript.confidence,
    segments: transcript.segments,
    offset: transcript.offset,
    backend: transcript.backend,
  };
}

export function translationEntry(
  meta: PipelineJobMeta,
  transcript: TranscriptRecord,
  translation: TranslationRecord,
): SessionEntry {
  return {
    kind: 'translation',
    chunkId: meta.chunkId,
    at: new Date().toISOString(),
    text: translation.text,
    translatedText: translation.translatedText,
    sourceLanguage: translation.sourceLanguage,
    targetLanguage: translation.targetLanguage,
    confidence: translation.confidence,
    offset: transcript.offset,
    ...(transcript.duration !== undefined ? { duration: transcript.duration } : {}),
    backend: translation.backend,
  };
}

export function speakersEntry(
  meta: PipelineJobMeta,
  offset: number,
  segments: SpeakerSegment[],
): SessionEntry {
  return { kind: 'speakers', chunkId: meta.chunkId, at: new Date().toISOString(), segments, offset };
}
