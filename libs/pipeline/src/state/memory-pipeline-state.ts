import type { PipelineJobMeta, PipelineJobRecord } from './pipeline-job-record';
import {
  FIELD,
  assembleRecord,
  emptyOutcomes,
  isFinalStageState,
  type FinishListener,
  type HeldMemory,
  type OutcomeCounts,
  type PipelineState,
  type RecordFields,
  type StageOutcome,
} from './pipeline-state';

/**
 * What one stored record costs beyond its field text and audio (map entries, objects, the pending set): an
 * estimate, measured as the heap growth per record in the soak benchmark's order of magnitude.
 */
const RECORD_OVERHEAD_BYTES = 400;

interface StoredJob {
  /** Serialised, so callers cannot change stored state through a returned object (as with Redis). */
  fields: Map<string, string>;
  audio?: Buffer;
  createdAt: number;
  /** Stage keys not final yet; the job is finished when it is empty. */
  pending: Set<string>;
  /** What this record counts towards the held bytes. */
  bytes: number;
}

interface Lane {
  next: number;
  finishedThrough: number;
  finishedAhead: Set<number>;
  offset: number;
  touchedAt: number;
}

/**
 * The in-process driver's state: one process, nothing shared. Records and lanes are kept in the order they
 * were created (lanes: last used), so expired ones are swept from the front without scanning the rest.
 */
export class MemoryPipelineState implements PipelineState {
  private readonly jobs = new Map<string, StoredJob>();
  /** Finished job ids, oldest finished first: the eviction order. */
  private readonly finished = new Set<string>();
  private readonly lanes = new Map<string, Lane>();
  private readonly totals: OutcomeCounts['totals'] = {};
  private completions: number[] = [];
  private heldBytes = 0;
  private readonly finishListeners = new Set<FinishListener>();

  constructor(
    private readonly retentionSeconds: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  async create(
    meta: Omit<PipelineJobMeta, 'sequence'>,
    audio: Buffer,
    initial: RecordFields,
  ): Promise<boolean> {
    this.sweep();
    if (this.jobs.has(meta.id)) return false;
    const lane = this.lane(meta.lane);
    lane.next += 1;
    const job: StoredJob = {
      fields: new Map(),
      audio,
      createdAt: this.now(),
      pending: new Set(),
      bytes: RECORD_OVERHEAD_BYTES + audio.length,
    };
    this.jobs.set(meta.id, job);
    this.heldBytes += job.bytes;
    this.write(meta.id, job, { ...initial, [FIELD.meta]: meta, [FIELD.sequence]: lane.next });
    return true;
  }

  async update(jobId: string, fields: RecordFields): Promise<void> {
    const job = this.jobs.get(jobId);
    if (job) this.write(jobId, job, fields);
  }

  async get(jobId: string): Promise<PipelineJobRecord | undefined> {
    const job = this.jobs.get(jobId);
    if (!job || this.expired(job)) return undefined;
    return assembleRecord(Object.fromEntries([...job.fields].map(([k, v]) => [k, JSON.parse(v) as unknown])));
  }

  async audio(jobId: string): Promise<Buffer | undefined> {
    return this.jobs.get(jobId)?.audio;
  }

  async deleteAudio(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job?.audio) return;
    this.resize(job, -job.audio.length);
    delete job.audio;
  }

  async finishedThrough(lane: string): Promise<number> {
    return this.lane(lane).finishedThrough;
  }

  async markFinished(laneName: string, sequence: number, jobId: string): Promise<void> {
    const lane = this.lane(laneName);
    lane.finishedAhead.add(sequence);
    while (lane.finishedAhead.delete(lane.finishedThrough + 1)) lane.finishedThrough += 1;
    for (const listener of this.finishListeners) listener(jobId);
  }

  onFinished(listener: FinishListener): () => void {
    this.finishListeners.add(listener);
    return () => this.finishListeners.delete(listener);
  }

  async advanceOffset(laneName: string, seconds: number): Promise<number> {
    const lane = this.lane(laneName);
    const start = lane.offset;
    lane.offset += seconds;
    return start;
  }

  async countOutcome(stage: string, outcome: StageOutcome): Promise<void> {
    (this.totals[stage] ??= emptyOutcomes())[outcome] += 1;
    if (stage === 'transcription' && outcome === 'completed') this.completions.push(this.now());
  }

  async outcomes(): Promise<OutcomeCounts> {
    const since = this.now() - 60_000;
    this.completions = this.completions.filter((at) => at > since);
    return { totals: structuredClone(this.totals), completedLastMinute: this.completions.length };
  }

  async memory(): Promise<HeldMemory> {
    this.sweep();
    return { heldBytes: this.heldBytes };
  }

  async evictFinished(count: number): Promise<number> {
    let evicted = 0;
    for (const id of this.finished) {
      if (evicted >= count) break;
      this.remove(id);
      evicted += 1;
    }
    return evicted;
  }

  /** Stores fields, keeping the held bytes and the finished order up to date. */
  private write(jobId: string, job: StoredJob, fields: RecordFields): void {
    let stageWritten = false;
    for (const [name, value] of Object.entries(fields)) {
      const text = JSON.stringify(value);
      const before = job.fields.get(name);
      this.resize(job, text.length - (before === undefined ? -name.length : before.length));
      job.fields.set(name, text);
      if (!name.startsWith(FIELD.stagePrefix)) continue;
      stageWritten = true;
      const stage = name.slice(FIELD.stagePrefix.length);
      if (isFinalStageState((value as { state?: unknown } | undefined)?.state)) job.pending.delete(stage);
      else job.pending.add(stage);
    }
    if (!stageWritten) return;
    // Re-inserted at the end: a job that finishes again (a stage recovered by the queue) is younger now.
    this.finished.delete(jobId);
    if (job.pending.size === 0) this.finished.add(jobId);
  }

  private resize(job: StoredJob, delta: number): void {
    job.bytes += delta;
    this.heldBytes += delta;
  }

  private remove(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (job) this.heldBytes -= job.bytes;
    this.jobs.delete(jobId);
    this.finished.delete(jobId);
  }

  private expired(job: StoredJob): boolean {
    return job.createdAt + this.retentionSeconds() * 1000 <= this.now();
  }

  private lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (lane) this.lanes.delete(name);
    else lane = { next: 0, finishedThrough: 0, finishedAhead: new Set(), offset: 0, touchedAt: 0 };
    // Re-inserted: the map stays in last-used order for the sweep.
    lane.touchedAt = this.now();
    this.lanes.set(name, lane);
    return lane;
  }

  /** Records expire `retention_seconds` after creation, lanes that long after their last use (as in Redis). */
  private sweep(): void {
    for (const [id, job] of this.jobs) {
      if (!this.expired(job)) break;
      this.remove(id);
    }
    const idleSince = this.now() - this.retentionSeconds() * 1000;
    for (const [name, lane] of this.lanes) {
      if (lane.touchedAt > idleSince) break;
      this.lanes.delete(name);
    }
  }
}
