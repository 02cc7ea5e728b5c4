import type { PipelineJobMeta, TranscriptRecord, TranslationRecord } from './state/pipeline-job-record';
import type { SpeakerSegment } from '@app/engines';
import type { ResultTarget } from './pipeline.types';

/** CONTRACTS §3 `transcription_result`, plus the meter fields the dashboard shows. */
export function transcriptionPayload(
  meta: PipelineJobMeta,
  transcript: TranscriptRecord,
): Record<string, unknown> {
  return {
    chunk_id: meta.chunkId,
    job_id: meta.id,
    ...(meta.sessionId ? { session_id: meta.sessionId } : {}),
    text: transcript.text,
    language: transcript.language,
    segments: transcript.segments.map((s) => ({
      start: s.start,
      end: s.end,
      text: s.text,
      ...(s.speaker !== undefined ? { speaker: s.speaker } : {}),
    })),
    confidence: transcript.confidence,
    backend: transcript.backend,
    audio_level_db: transcript.audioLevelDb,
    speech_detected: transcript.speechDetected,
  };
}

/**
 * How an unknown source language was settled (`detected_language` on translation results): the language,
 * the detector's confidence (0..1) and who found it (`engine`, `identified` by the orchestrator, or the
 * configured `default`). Absent when the client named the source language.
 */
export function detectedLanguagePayload(translation: TranslationRecord): {
  detected_language?: { language: string; confidence: number; method: string };
} {
  const detected = translation.detectedLanguage;
  return detected
    ? {
        detected_language: {
          language: detected.language,
          confidence: Math.round(detected.confidence * 1000) / 1000,
          method: detected.method,
        },
      }
    : {};
}

/** CONTRACTS §3 `translation_result`; the chunk id doubles as request id so clients can pair the two. */
export function translationPayload(
  meta: PipelineJobMeta,
  translation: TranslationRecord,
): Record<string, unknown> {
  return {
    request_id: meta.chunkId,
    chunk_id: meta.chunkId,
    ...(meta.sessionId ? { session_id: meta.sessionId } : {}),
    text: translation.text,
    translated_text: translation.translatedText,
    source_lang: translation.sourceLanguage,
    target_lang: translation.targetLanguage,
    confidence: translation.confidence,
    backend: translation.backend,
    ...detectedLanguagePayload(translation),
  };
}

export function speakerPayload(meta: PipelineJobMeta, segments: SpeakerSegment[]): Record<string, unknown> {
  return {
    chunk_id: meta.chunkId,
    ...(meta.sessionId ? { session_id: meta.sessionId } : {}),
    segments: segments.map((s) => ({ speaker: s.speaker, start: s.start, end: s.end })),
  };
}

export function failurePayload(
  meta: PipelineJobMeta,
  stage: string,
  code: string,
  message: string,
): Record<string, unknown> {
  return {
    code,
    message,
    event: stage === 'diarization' ? 'speaker_stream' : 'transcription_stream',
    request_id: meta.chunkId,
    chunk_id: meta.chunkId,
    job_id: meta.id,
    stage,
  };
}

/** Results go to the chunk's session room and to the connection that sent it. */
export function resultTarget(meta: PipelineJobMeta): ResultTarget {
  return { sessionId: meta.sessionId, connectionId: meta.connectionId };
}
