import type { PipelineStage, StageJobData } from '../pipeline-names';
import type { QueueDepth } from '../pipeline-metrics';
import type { FollowUp, StageHandler } from '../pipeline-stages';
import type { AttemptInfo } from '../stage-failure';
import type { PipelineState } from '../state/pipeline-state';
import { PIPELINE_STAGES } from '../pipeline-names';

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

export interface EnqueueOptions {
  /** Stage job id; deterministic, so an enqueue repeated after a crash is a no-op. */
  jobId: string;
  /** Transcription only: the session lane whose order the chunk keeps. */
  lane?: string;
}

/** The stage jobs not finished yet (waiting, running, or delayed for a retry or their turn). */
export interface StageBacklog {
  jobs: number;
  /** How long the oldest of them has been in the queue; 0 when there is none. */
  oldestAgeMs: number;
}

/** Runs stage jobs: in this process, or on BullMQ queues shared by every orchestrator and worker process. */
export interface PipelineDriver {
  readonly kind: 'in-process' | 'bullmq';
  readonly state: PipelineState;
  enqueue(stage: PipelineStage, data: StageJobData, options: EnqueueOptions): Promise<void>;
  startWorkers(executor: StageExecutor): Promise<void>;
  depths(): Promise<QueueDepth[]>;
  backlog(stage: PipelineStage): Promise<StageBacklog>;
  close(): Promise<void>;
}

/** Start-up fails when a stage would have nobody to run its jobs. */
export function assertEveryStageHasHandler(executor: StageExecutor): void {
  const missing = PIPELINE_STAGES.filter((stage) => typeof executor.handlers[stage] !== 'function');
  if (missing.length > 0) throw new Error(`Pipeline stages without a handler: ${missing.join(', ')}`);
}

/** Exponential backoff: base, 2×base, 4×base, ... */
export function backoffDelay(baseMs: number, attempt: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}

export function followUpJobId(pipelineJobId: string, followUp: FollowUp): string {
  return followUp.data.targetLanguage
    ? `${pipelineJobId}.${followUp.stage}.${followUp.data.targetLanguage}`
    : `${pipelineJobId}.${followUp.stage}`;
}
