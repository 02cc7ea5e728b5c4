import type { PipelineStage, StageJobData } from '../pipeline-names';
import type { QueueDepth } from '../pipeline-metrics';
import type { FollowUp, StageExecutor } from '../stage-execution';
import type { PipelineState } from '../state/pipeline-state';
import { PIPELINE_STAGES } from '../pipeline-names';

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
