import { Logger } from '@nestjs/common';
import { waitAtMost } from '@app/common';
import type { PipelineSection } from '@app/config';
import { PIPELINE_STAGES, PipelineStage, type StageJobData } from '../pipeline-names';
import type { QueueDepth } from '../pipeline-metrics';
import { StageFailure } from '../stage-failure';
import { MemoryPipelineState } from '../state/memory-pipeline-state';
import {
  assertEveryStageHasHandler,
  backoffDelay,
  followUpJobId,
  type EnqueueOptions,
  type PipelineDriver,
  type StageBacklog,
} from './pipeline-driver';
import type { StageExecutor } from '../stage-execution';

/** Limits how many jobs of one stage run at once; waiters are served first come, first served. */
class StageSlots {
  active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: () => number) {}

  get queued(): number {
    return this.waiting.length;
  }

  async acquire(): Promise<void> {
    if (this.active < this.limit()) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}

/**
 * Runs the stages in this process, without Redis. Transcriptions of one lane (session) run one after the
 * other, each through all its retries before the next starts, which is the ordering guarantee; different
 * sessions and all translations run in parallel up to `pipeline.concurrency` per stage. Jobs in flight are
 * lost if the process dies: durability needs REDIS_URL.
 */
export class InProcessPipelineDriver implements PipelineDriver {
  readonly kind = 'in-process';
  readonly state: MemoryPipelineState;
  private readonly logger = new Logger('Pipeline');
  private readonly slots: Record<PipelineStage, StageSlots>;
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Stage jobs enqueued and not finished, with when they were enqueued (oldest first). */
  private readonly pending: Record<PipelineStage, Map<string, number>>;
  private readonly delayed: Record<string, number> = {};
  private executor?: StageExecutor;
  private closed = false;

  constructor(private readonly settings: () => PipelineSection) {
    this.state = new MemoryPipelineState(() => settings().retentionSeconds);
    const limit = () => this.settings().concurrency;
    this.slots = {
      [PipelineStage.Transcription]: new StageSlots(limit),
      [PipelineStage.Translation]: new StageSlots(limit),
      [PipelineStage.Diarization]: new StageSlots(limit),
    };
    this.pending = {
      [PipelineStage.Transcription]: new Map(),
      [PipelineStage.Translation]: new Map(),
      [PipelineStage.Diarization]: new Map(),
    };
  }

  async startWorkers(executor: StageExecutor): Promise<void> {
    assertEveryStageHasHandler(executor);
    this.executor = executor;
  }

  async enqueue(stage: PipelineStage, data: StageJobData, options: EnqueueOptions): Promise<void> {
    const pending = this.pending[stage];
    if (pending.has(options.jobId)) return;
    pending.set(options.jobId, Date.now());
    const run = () => this.runWithRetries(stage, data).finally(() => pending.delete(options.jobId));
    let done: Promise<void>;
    if (options.lane) {
      const lane = options.lane;
      done = (this.lanes.get(lane) ?? Promise.resolve()).then(run);
      this.lanes.set(lane, done);
      void done.finally(() => {
        if (this.lanes.get(lane) === done) this.lanes.delete(lane);
      });
    } else {
      done = run();
    }
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  private async runWithRetries(stage: PipelineStage, data: StageJobData): Promise<void> {
    const executor = this.executor;
    if (!executor) throw new Error('Pipeline workers were not started');
    const attempts = this.settings().attempts;
    for (let attempt = 1; attempt <= attempts && !this.closed; attempt++) {
      await this.slots[stage].acquire();
      try {
        const followUps = await executor.execute(stage, data, { attempt, final: attempt === attempts });
        for (const followUp of followUps) {
          await this.enqueue(followUp.stage, followUp.data, {
            jobId: followUpJobId(data.pipelineJobId, followUp),
          });
        }
        return;
      } catch (error) {
        if (!(error instanceof StageFailure) || !error.retry) return;
      } finally {
        this.slots[stage].release();
      }
      this.delayed[stage] = (this.delayed[stage] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(this.settings().backoffMs, attempt)));
      this.delayed[stage] -= 1;
    }
  }

  async depths(): Promise<QueueDepth[]> {
    return PIPELINE_STAGES.flatMap((stage): QueueDepth[] => [
      { stage, state: 'waiting', count: this.slots[stage].queued },
      { stage, state: 'active', count: this.slots[stage].active },
      { stage, state: 'delayed', count: this.delayed[stage] ?? 0 },
    ]);
  }

  /** Counts the jobs chained behind their session's earlier chunks too, which no slot queue holds. */
  async backlog(stage: PipelineStage): Promise<StageBacklog> {
    const pending = this.pending[stage];
    const oldest = pending.values().next();
    return { jobs: pending.size, oldestAgeMs: oldest.done ? 0 : Date.now() - oldest.value };
  }

  /** Lets running jobs finish (bounded by the caller's shutdown grace); no new attempt starts. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.inFlight];
    if (pending.length > 0) this.logger.log(`Waiting for ${pending.length} pipeline job(s) to finish`);
    await waitAtMost(Promise.allSettled(pending), 10_000);
  }
}
