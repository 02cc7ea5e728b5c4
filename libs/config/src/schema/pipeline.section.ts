import { IsBoolean, IsInt, IsNumber, Max, Min } from 'class-validator';

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
}
