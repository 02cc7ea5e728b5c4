import type { PipelineJobMeta, PipelineJobRecord, StageState } from './pipeline-job-record';

/** Fields of a job record; each stage writes only its own, so concurrent stages never overwrite each other. */
export type RecordFields = Record<string, unknown>;

export type StageOutcome = 'completed' | 'failed' | 'retried' | 'skipped';

export interface OutcomeCounts {
  totals: Record<string, Record<StageOutcome, number>>;
  /** Jobs whose transcription finished in the last 60 seconds. */
  completedLastMinute: number;
}

/**
 * The pipeline's shared state: job records, the audio they reference, per-lane ordering and audio offsets,
 * and outcome counters. In memory for the in-process driver; in Redis for BullMQ, where every worker
 * process shares it. Records and audio expire after `pipeline.retention_seconds`.
 */
export interface PipelineState {
  /**
   * Creates the record, storing the audio beside it, unless a record with this id exists: false then,
   * which is how a re-sent chunk is recognised. The sequence is assigned here, atomically per lane.
   */
  create(meta: Omit<PipelineJobMeta, 'sequence'>, audio: Buffer, initial: RecordFields): Promise<boolean>;
  update(jobId: string, fields: RecordFields): Promise<void>;
  get(jobId: string): Promise<PipelineJobRecord | undefined>;
  audio(jobId: string): Promise<Buffer | undefined>;
  deleteAudio(jobId: string): Promise<void>;

  /** The highest sequence of the lane below which every chunk has finished (completed or failed). */
  finishedThrough(lane: string): Promise<number>;
  /**
   * The chunk's transcription is over (completed, or finally failed): advances the lane's watermark and
   * tells every `onFinished` listener, in whichever process, that job `jobId` has its outcome.
   */
  markFinished(lane: string, sequence: number, jobId: string): Promise<void>;
  /**
   * Calls `listener` with the job id of each transcription that finishes, whichever process ran it, or with
   * `undefined` when notices may have been missed (a subscription that was just made or re-made): look
   * again. Returns the function that stops listening.
   */
  onFinished(listener: FinishListener): () => void;
  /** Adds a chunk's duration to the lane's running audio offset and returns the offset it starts at. */
  advanceOffset(lane: string, seconds: number): Promise<number>;

  countOutcome(stage: string, outcome: StageOutcome): Promise<void>;
  outcomes(): Promise<OutcomeCounts>;

  /** What holds the pipeline's state now, measured as the budget (`pipeline.max_held_bytes`) counts it. */
  memory(): Promise<HeldMemory>;
  /**
   * Forgets up to `count` finished records (every stage completed, failed or skipped), the oldest finished
   * first, with their audio; returns how many went. Jobs in flight are never evicted.
   */
  evictFinished(count: number): Promise<number>;
}

export interface HeldMemory {
  /** In process: records and audio, counted as they are stored. In Redis: its `used_memory`. */
  heldBytes: number;
  /** Where the store itself stops (Redis `maxmemory`); undefined when it has no limit of its own. */
  storeLimitBytes?: number;
}

/** Stage states that do not change any more: a job is finished once every stage has one. */
export const FINAL_STAGE_STATES: readonly StageState[] = ['completed', 'failed', 'skipped'];

export function isFinalStageState(state: unknown): boolean {
  return FINAL_STAGE_STATES.includes(state as StageState);
}

export type FinishListener = (jobId: string | undefined) => void;

/** Field names of the record hash. */
export const FIELD = {
  meta: 'meta',
  /** Kept apart from `meta` because it is assigned atomically when the record is created. */
  sequence: 'sequence',
  transcript: 'result:transcript',
  speakers: 'result:speakers',
  stagePrefix: 'stage:',
  translationPrefix: 'result:translation:',
} as const;

/** Builds a record from its fields, whichever store they came from. */
export function assembleRecord(fields: Record<string, unknown>): PipelineJobRecord | undefined {
  const stored = fields[FIELD.meta] as Omit<PipelineJobMeta, 'sequence'> | undefined;
  if (!stored) return undefined;
  const meta: PipelineJobMeta = { ...stored, sequence: Number(fields[FIELD.sequence] ?? 0) };
  const record: PipelineJobRecord = { meta, stages: {}, translations: {} };
  for (const [name, value] of Object.entries(fields)) {
    if (name.startsWith(FIELD.stagePrefix)) {
      record.stages[name.slice(FIELD.stagePrefix.length)] = value as PipelineJobRecord['stages'][string];
    } else if (name.startsWith(FIELD.translationPrefix)) {
      record.translations[name.slice(FIELD.translationPrefix.length)] =
        value as PipelineJobRecord['translations'][string];
    }
  }
  if (fields[FIELD.transcript])
    record.transcript = fields[FIELD.transcript] as PipelineJobRecord['transcript'];
  if (fields[FIELD.speakers]) record.speakers = fields[FIELD.speakers] as PipelineJobRecord['speakers'];
  return record;
}

export function emptyOutcomes(): Record<StageOutcome, number> {
  return { completed: 0, failed: 0, retried: 0, skipped: 0 };
}
