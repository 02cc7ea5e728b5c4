import type { PipelineStage, StageJobData } from './pipeline-names';
import type { AttemptInfo } from './stage-failure';
import type { PipelineJobRecord } from './state/pipeline-job-record';

/**
 * The contract between the stages (what a stage does) and the drivers (when it runs and how often it is
 * retried). Both sides import it from here.
 */

/** A stage job to start once another finished: translations and diarization after transcription. */
export interface FollowUp {
  stage: PipelineStage;
  data: StageJobData;
}

export type StageHandler = (data: StageJobData, record: PipelineJobRecord) => Promise<FollowUp[]>;

/**
 * Whether a stage job may start. A transcription that may not yet says which lane (session) it waits in and
 * its sequence there: it may start once every earlier chunk of the lane has finished.
 */
export type LaneTurn = { ready: true } | { ready: false; lane: string; sequence: number };

/** What a driver needs from the stages: run one attempt, and say whether a chunk may start yet. */
export interface StageExecutor {
  readonly handlers: Partial<Record<PipelineStage, StageHandler>>;
  turn(stage: PipelineStage, data: StageJobData): Promise<LaneTurn>;
  execute(stage: PipelineStage, data: StageJobData, attempt: AttemptInfo): Promise<FollowUp[]>;
  /** A job that the queue gave up on without the stage seeing a final attempt (stalled too often). */
  abandon(stage: PipelineStage, data: StageJobData, reason: string): Promise<void>;
}
