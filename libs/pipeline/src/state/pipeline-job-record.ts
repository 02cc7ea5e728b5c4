import type { SpeakerSegment, TranslationResult } from '@app/engines';
import type { TranscriptSource } from '@app/results';
import { PipelineStage, type StageJobData } from '../pipeline-names';

/** A stage's progress; `skipped` when it had nothing to do (silence, or the transcription failed). */
export type StageState = 'queued' | 'active' | 'completed' | 'failed' | 'skipped';

export interface StageStatus {
  state: StageState;
  attempts: number;
  error?: string;
  /** The error code of a final failure, as published in the `error` event. */
  code?: string;
  updatedAt: string;
}

/** The submission as stored at creation; never changed afterwards. */
export interface PipelineJobMeta {
  id: string;
  chunkId: string;
  sessionId?: string;
  connectionId?: string;
  /** Position of this chunk in its session (or connection), from 1; orders the transcription stage. */
  sequence: number;
  /** The ordering lane: `s:<session>`, `c:<connection>` or `j:<job>` for a chunk with neither. */
  lane: string;
  format: string;
  contentType: string;
  sampleRate?: number;
  language?: string;
  targetLanguages: string[];
  diarize: boolean;
  requestId?: string;
  createdAt: string;
}

/** What `transcription_result` is built from, plus where the chunk sits in the session and what it cost. */
export interface TranscriptRecord extends TranscriptSource {
  /** Seconds from the session's start. */
  offset: number;
  duration?: number;
  processingMs: number;
}

/** A translation is stored exactly as the engine adapter normalised it. */
export type TranslationRecord = TranslationResult;

/** Everything known about one pipeline job, assembled from the fields each stage writes. */
export interface PipelineJobRecord {
  meta: PipelineJobMeta;
  /** Keyed `transcription`, `translation:<lang>`, `diarization`. */
  stages: Record<string, StageStatus>;
  transcript?: TranscriptRecord;
  translations: Record<string, TranslationRecord>;
  speakers?: SpeakerSegment[];
}

export function translationStageKey(language: string): string {
  return `translation:${language}`;
}

/** The record key of a stage job's status: `transcription`, `translation:<lang>`, `diarization`. */
export function stageKey(stage: PipelineStage, data: StageJobData): string {
  return stage === PipelineStage.Translation ? translationStageKey(data.targetLanguage ?? '') : stage;
}

export function stageStatus(state: StageState, attempts: number, error?: string): StageStatus {
  return { state, attempts, ...(error ? { error } : {}), updatedAt: new Date().toISOString() };
}
