import type { ServiceName } from '@app/config';

/**
 * Every queue and stage of the pipeline, in one place. Each stage has one queue (BullMQ) or one lane
 * (in-process), and the drivers refuse to start when a stage has no handler.
 */
export enum PipelineStage {
  Transcription = 'transcription',
  Translation = 'translation',
  Diarization = 'diarization',
}

export const PIPELINE_STAGES: readonly PipelineStage[] = Object.values(PipelineStage);

/** The backend service each stage calls; admission refuses jobs whose stages' services are down. */
export const STAGE_SERVICE = {
  [PipelineStage.Transcription]: 'whisper',
  [PipelineStage.Translation]: 'translation',
  [PipelineStage.Diarization]: 'speaker',
} as const satisfies Record<PipelineStage, ServiceName>;

/** The BullMQ job name of each stage's jobs (one job type per queue). */
export const STAGE_JOB_NAME: Record<PipelineStage, string> = {
  [PipelineStage.Transcription]: 'transcribe-chunk',
  [PipelineStage.Translation]: 'translate-transcript',
  [PipelineStage.Diarization]: 'diarize-chunk',
};

/** What a stage job carries: a reference to the pipeline job, never the audio itself. */
export interface StageJobData {
  pipelineJobId: string;
  /** Translation jobs: the target language. */
  targetLanguage?: string;
}
