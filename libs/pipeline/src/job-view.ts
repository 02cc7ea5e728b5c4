import type { JobState } from './pipeline.types';
import { detectedLanguage } from '@app/results';
import type { PipelineJobRecord, StageStatus } from './state/pipeline-job-record';

/** The overall state from the stages': active once any stage started, final when none is pending. */
export function overallState(stages: StageStatus[]): JobState {
  const pending = stages.filter((s) => s.state === 'queued' || s.state === 'active');
  if (pending.length > 0) {
    const started = stages.some((s) => s.state !== 'queued' || s.attempts > 0);
    return started ? 'active' : 'queued';
  }
  return stages.some((s) => s.state === 'failed') ? 'failed' : 'completed';
}

function stageView(status: StageStatus): Record<string, unknown> {
  return {
    state: status.state,
    attempts: status.attempts,
    error: status.error ?? null,
    updated_at: status.updatedAt,
  };
}

/** GET /api/pipeline/jobs/:id, snake_case like every other wire form. */
export function jobView(record: PipelineJobRecord): Record<string, unknown> {
  const { meta, transcript } = record;
  const entries = Object.entries(record.stages);
  const failed = entries.filter(([, s]) => s.state === 'failed');
  const translationStages = Object.fromEntries(
    entries
      .filter(([key]) => key.startsWith('translation:'))
      .map(([key, s]) => [key.slice('translation:'.length), stageView(s)]),
  );
  return {
    job_id: meta.id,
    chunk_id: meta.chunkId,
    session_id: meta.sessionId ?? null,
    state: overallState(entries.map(([, s]) => s)),
    created_at: meta.createdAt,
    format: meta.format,
    target_languages: meta.targetLanguages,
    diarize: meta.diarize,
    stages: {
      transcription: record.stages.transcription ? stageView(record.stages.transcription) : null,
      translation: translationStages,
      diarization: record.stages.diarization ? stageView(record.stages.diarization) : null,
    },
    result: {
      transcript: transcript
        ? {
            text: transcript.text,
            language: transcript.language,
            segments: transcript.segments,
            confidence: transcript.confidence,
            backend: transcript.backend,
            audio_level_db: transcript.audioLevelDb,
            speech_detected: transcript.speechDetected,
            offset: transcript.offset,
            duration: transcript.duration ?? null,
            processing_ms: Math.round(transcript.processingMs * 100) / 100,
          }
        : null,
      translations: Object.fromEntries(
        Object.entries(record.translations).map(([language, t]) => [
          language,
          {
            text: t.text,
            translated_text: t.translatedText,
            source_lang: t.sourceLanguage,
            target_lang: t.targetLanguage,
            confidence: t.confidence,
            backend: t.backend,
            processing_ms: Math.round(t.processingMs * 100) / 100,
            ...detectedLanguage(t),
          },
        ]),
      ),
      speakers: record.speakers ?? null,
    },
    error: failed.length > 0 ? failed.map(([key, s]) => `${key}: ${s.error ?? 'failed'}`).join('; ') : null,
  };
}
