import { Logger } from '@nestjs/common';
import { waitAtMost } from '@app/common';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { PipelineSection } from '@app/config';
import type { RedisConnections } from '@app/storage';
import { PIPELINE_STAGES, PipelineStage, STAGE_JOB_NAME, type StageJobData } from '../pipeline-names';
import type { QueueDepth } from '../pipeline-metrics';
import { StageFailure } from '../stage-failure';
import { RedisPipelineState } from '../state/redis-pipeline-state';
import {
  assertEveryStageHasHandler,
  followUpJobId,
  type EnqueueOptions,
  type PipelineDriver,
  type StageBacklog,
} from './pipeline-driver';
import type { StageExecutor } from '../stage-execution';

/**
 * How soon a chunk that waits for its predecessor looks again by itself. The chunk that finishes the lane
 * up to it wakes it at once (RedisPipelineState.awaitTurn); this only covers a wake-up that got lost, with a
 * worker that died between finishing a chunk and waking the next. Not shorter: in a backlog (after an
 * engine outage) every waiting chunk of every session comes back this often.
 */
const ORDER_RECHECK_MS = 5000;

/**
 * Work still to do, by state. Finished jobs are not counted: BullMQ keeps only the last
 * `pipeline.finished_jobs_kept` of them, and the outcome counters count every one.
 */
const COUNTED_STATES = ['waiting', 'active', 'delayed'] as const;

/**
 * Entries of each queue's events stream (BullMQ's default is 10,000). Nothing here reads the stream (no
 * QueueEvents); at 10,000 it held about 1.5 MB per queue, a few minutes' growth at the soak benchmark's rate.
 */
const EVENTS_KEPT = 1000;

/** Job states that are work still to do. */
const BACKLOG_STATES = ['waiting', 'prioritized', 'active', 'delayed'] as const;

/**
 * One BullMQ queue per stage, shared by every orchestrator and worker process on the same Redis. Stage jobs
 * carry only the pipeline job id; the audio sits in Redis under its own key with a TTL.
 *
 * - retries: `pipeline.attempts` with exponential backoff from `pipeline.backoff_ms`; a StageFailure that
 *   is not worth retrying becomes an UnrecoverableError, which BullMQ fails at once.
 * - idempotency: stage job ids are deterministic (pipeline job id + stage + language), so a follow-up
 *   enqueued twice while the first is queued or running is one job; once it finished, the stage's status in
 *   the job record keeps it from running again (PipelineStages.execute), so BullMQ's finished jobs are
 *   not needed for it.
 * - memory: BullMQ keeps only the last `pipeline.finished_jobs_kept` completed and failed jobs per queue,
 *   the last attempt's stack trace of a failed one, and `EVENTS_KEPT` events. Kept for the retention hour,
 *   as before, they were about 1.4 KB per chunk in Redis, more than the job record itself (see bench/README.md,
 *   Soak).
 * - crash safety: a worker killed mid-job stops renewing its lock; after `lock_duration_ms` another worker's
 *   stalled-job check (every `stalled_interval_ms`) puts the job back in the queue.
 * - ordering: a transcription whose predecessor in the session has not finished moves itself back to the
 *   delayed set instead of holding a worker slot, so waiting can never deadlock, and registers as the
 *   lane's waiter: the process that finishes the predecessor promotes it (polling instead costs a job
 *   fetch, a record read and a move per waiting chunk each time; see bench/README.md, Pipeline).
 */
export class BullmqPipelineDriver implements PipelineDriver {
  readonly kind = 'bullmq';
  readonly state: RedisPipelineState;
  private readonly logger = new Logger('Pipeline');
  private readonly queues: Record<PipelineStage, Queue<StageJobData>>;
  private readonly workers: Worker<StageJobData>[] = [];

  constructor(
    private readonly redis: RedisConnections,
    private readonly settings: () => PipelineSection,
  ) {
    this.state = new RedisPipelineState(
      redis.client(),
      redis.keyPrefix,
      () => settings().retentionSeconds,
      (stageJobId) => this.wake(stageJobId),
      () => redis.create('pipeline-finished'),
    );
    const connection = redis.create('pipeline-queues');
    const prefix = this.bullPrefix();
    this.queues = Object.fromEntries(
      PIPELINE_STAGES.map((stage) => {
        const queue = new Queue<StageJobData>(stage, {
          connection,
          prefix,
          streams: { events: { maxLen: EVENTS_KEPT } },
        });
        // RedisConnections already reports the connection's state; without a listener an error would throw.
        queue.on('error', (error) => this.logger.debug(`${stage} queue: ${error.message}`));
        return [stage, queue];
      }),
    ) as Record<PipelineStage, Queue<StageJobData>>;
  }

  private bullPrefix(): string {
    return `${this.redis.keyPrefix}bull`;
  }

  async enqueue(stage: PipelineStage, data: StageJobData, options: EnqueueOptions): Promise<void> {
    const settings = this.settings();
    await this.queues[stage].add(STAGE_JOB_NAME[stage], data, {
      jobId: options.jobId,
      attempts: settings.attempts,
      backoff: { type: 'exponential', delay: settings.backoffMs },
      removeOnComplete: { count: settings.finishedJobsKept },
      removeOnFail: { count: settings.finishedJobsKept },
      // The job record keeps the error; one stack trace is enough to see where it came from.
      stackTraceLimit: 1,
    });
  }

  async startWorkers(executor: StageExecutor): Promise<void> {
    assertEveryStageHasHandler(executor);
    const settings = this.settings();
    for (const stage of PIPELINE_STAGES) {
      const worker = new Worker<StageJobData>(
        stage,
        (job, token) => this.process(executor, stage, job, token),
        {
          connection: this.redis.create(`pipeline-worker-${stage}`),
          prefix: this.bullPrefix(),
          concurrency: settings.concurrency,
          lockDuration: settings.lockDurationMs,
          stalledInterval: settings.stalledIntervalMs,
          maxStalledCount: settings.maxStalledCount,
        },
      );
      worker.on('failed', (job, error) => {
        // A job failed by the stalled check never reached the stage's final attempt; record it there.
        if (job && /stalled/i.test(error.message)) {
          executor.abandon(stage, job.data, error.message).catch((e: Error) => this.logger.error(e.message));
        }
      });
      worker.on('error', (error) => this.logger.debug(`${stage} worker: ${error.message}`));
      this.workers.push(worker);
    }
    // Not awaited: with Redis down at start-up the workers connect when it comes back, and start-up (and
    // the health endpoint that reports Redis down) must not wait for that.
    this.logger.log(`Pipeline workers started (concurrency ${settings.concurrency} per stage)`);
  }

  private async process(
    executor: StageExecutor,
    stage: PipelineStage,
    job: Job<StageJobData>,
    token: string | undefined,
  ): Promise<void> {
    this.followConcurrency();
    const turn = await executor.turn(stage, job.data);
    if (!turn.ready) {
      await job.moveToDelayed(Date.now() + ORDER_RECHECK_MS, token);
      // Registered only once delayed, so that the wake-up's promotion finds it there. When its turn came in
      // between, it wakes itself, not awaited: BullMQ lets go of this run as soon as the error is thrown.
      if (job.id && (await this.state.awaitTurn(turn.lane, turn.sequence, job.id))) void this.wake(job.id);
      throw new DelayedError();
    }
    const attempt = job.attemptsMade + 1;
    let followUps;
    try {
      followUps = await executor.execute(stage, job.data, {
        attempt,
        final: attempt >= (job.opts.attempts ?? 1),
      });
    } catch (error) {
      if (error instanceof StageFailure && !error.retry) throw new UnrecoverableError(error.message);
      throw error;
    }
    for (const followUp of followUps) {
      await this.enqueue(followUp.stage, followUp.data, {
        jobId: followUpJobId(job.data.pipelineJobId, followUp),
      });
    }
  }

  /** A transcription waiting for its turn may start: back from the delayed set to the queue. */
  private async wake(stageJobId: string): Promise<void> {
    try {
      await (await this.queues[PipelineStage.Transcription].getJob(stageJobId))?.promote();
    } catch (error) {
      // No longer delayed (its own recheck came first) or gone: nothing to wake.
      this.logger.debug(`Waking ${stageJobId}: ${(error as Error).message}`);
    }
  }

  /** `pipeline.concurrency` is tunable at run time; workers pick up a change with their next job. */
  private followConcurrency(): void {
    const wanted = this.settings().concurrency;
    for (const worker of this.workers) if (worker.concurrency !== wanted) worker.concurrency = wanted;
  }

  async depths(): Promise<QueueDepth[]> {
    const counts = await Promise.all(
      PIPELINE_STAGES.map(async (stage) => ({
        stage,
        counts: await this.queues[stage].getJobCounts(...COUNTED_STATES),
      })),
    );
    return counts.flatMap(({ stage, counts: byState }) =>
      COUNTED_STATES.map((state) => ({ stage, state, count: byState[state] ?? 0 })),
    );
  }

  async backlog(stage: PipelineStage): Promise<StageBacklog> {
    const queue = this.queues[stage];
    const [counts, oldest] = await Promise.all([
      queue.getJobCounts(...BACKLOG_STATES),
      // The oldest job of each state (one each); their creation times bound the backlog's age.
      queue.getJobs([...BACKLOG_STATES], 0, 0, true),
    ]);
    const jobs = BACKLOG_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
    const created = oldest.filter(Boolean).map((job) => job.timestamp);
    return { jobs, oldestAgeMs: created.length > 0 ? Math.max(0, Date.now() - Math.min(...created)) : 0 };
  }

  /** Workers finish their current jobs first; the Redis connections are closed by RedisConnections. */
  async close(): Promise<void> {
    const closing = Promise.allSettled([
      ...this.workers.map((worker) => worker.close()),
      ...Object.values(this.queues).map((queue) => queue.close()),
    ]);
    // A worker waits for its current job and a reachable Redis; shutdown must not hang on either.
    await waitAtMost(closing, 10_000);
  }
}
