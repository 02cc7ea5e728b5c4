import { IsBoolean, IsInt, IsNumber, Max, Min, ValidateIf } from 'class-validator';

/** The smallest explicit `max_held_bytes`: below it not even one large upload fits. */
const MIN_HELD_BYTES = 1024 * 1024;

export class PipelineSection {
  /** Jobs one worker runs at once, per stage. */
  @IsInt()
  @Min(1)
  concurrency = 4;

  @IsInt()
  @Min(1)
  @Max(20)
  attempts = 3;

  /** Base delay of the exponential backoff between attempts, in milliseconds. */
  @IsInt()
  @Min(0)
  backoffMs = 500;

  /** Run the stages inside the orchestrator process (false: only apps/pipeline-worker runs them). */
  @IsBoolean()
  runWorkersInProcess = true;

  /** RMS level in dBFS below which a chunk is silence and skips speech-to-text. */
  @IsNumber()
  @Min(-120)
  @Max(0)
  vadThresholdDb = -50;

  /** Seconds that stored audio payloads and finished jobs are kept. */
  @IsInt()
  @Min(10)
  retentionSeconds = 3600;

  /**
   * BullMQ: how long a worker's claim on a job lasts without renewal. A worker that dies mid-job gives its
   * job back to the queue this long after its last renewal.
   */
  @IsInt()
  @Min(100)
  lockDurationMs = 30000;

  /** BullMQ: how often workers look for jobs whose worker died (stalled jobs). */
  @IsInt()
  @Min(100)
  stalledIntervalMs = 30000;

  /** BullMQ: times a job may be recovered from a dead worker before it fails. */
  @IsInt()
  @Min(0)
  @Max(10)
  maxStalledCount = 2;

  /** Largest uploaded audio file, in bytes. */
  @IsInt()
  @Min(1024)
  maxAudioBytes = 50 * 1024 * 1024;

  /**
   * Longest audio accepted by POST /api/pipeline/jobs, in seconds. Read from the WAV header; compressed
   * formats cannot be measured without decoding, so only maxAudioBytes bounds them.
   */
  @IsInt()
  @Min(1)
  maxAudioSeconds = 600;

  /**
   * Bytes the pipeline may hold: audio and records of jobs in flight and retained (with Redis: everything
   * Redis holds, its `used_memory`). 0 sizes it from the machine: a quarter of its memory (of the cgroup
   * limit in a container), or 90% of Redis's `maxmemory` when Redis has one. From 90% of it the oldest
   * finished records are evicted; at it new jobs are refused with 503 PIPELINE_FULL.
   */
  @IsInt()
  @ValidateIf((_, value) => value !== 0)
  @Min(MIN_HELD_BYTES, {
    message: `maxHeldBytes must be 0 (sized from the machine) or at least ${MIN_HELD_BYTES}`,
  })
  maxHeldBytes = 0;

  /**
   * Admission in time: while a stage's service has no healthy instance, new jobs that need it are refused
   * (503 BACKEND_UNAVAILABLE) once the stage holds more than this many unfinished jobs...
   */
  @IsInt()
  @Min(0)
  admissionQueueDepth = 8;

  /** ...or once its oldest unfinished job has waited longer than this many seconds. */
  @IsNumber()
  @Min(0)
  admissionQueueAgeSeconds = 5;

  /**
   * BullMQ: finished stage jobs kept per queue, of each outcome (completed, failed), for inspection. The job
   * records keep results and errors for `retentionSeconds`; BullMQ's own copies are not needed by clients.
   */
  @IsInt()
  @Min(0)
  finishedJobsKept = 100;
}
