import type { PipelineJobMeta, PipelineJobRecord } from './pipeline-job-record';
import {
  FIELD,
  assembleRecord,
  emptyOutcomes,
  type FinishListener,
  type OutcomeCounts,
  type PipelineState,
  type RecordFields,
  type StageOutcome,
} from './pipeline-state';

interface StoredJob {
  /** Serialised, so callers cannot change stored state through a returned object (as with Redis). */
  fields: Map<string, string>;
  audio?: Buffer;
  expiresAt: number;
}

interface Lane {
  next: number;
  finishedThrough: number;
  finishedAhead: Set<number>;
  offset: number;
}

/** The in-process driver's state: one process, nothing shared, expired records swept on creation. */
export class MemoryPipelineState implements PipelineState {
  private readonly jobs = new Map<string, StoredJob>();
  private readonly lanes = new Map<string, Lane>();
  private readonly totals: OutcomeCounts['totals'] = {};
  private completions: number[] = [];
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
    const fields = new Map<string, string>();
    for (const [name, value] of Object.entries({
      ...initial,
      [FIELD.meta]: meta,
      [FIELD.sequence]: lane.next,
    })) {
      fields.set(name, JSON.stringify(value));
    }
    this.jobs.set(meta.id, { fields, audio, expiresAt: this.now() + this.retentionSeconds() * 1000 });
    return true;
  }

  async update(jobId: string, fields: RecordFields): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job) return;
    for (const [name, value] of Object.entries(fields)) job.fields.set(name, JSON.stringify(value));
  }

  async get(jobId: string): Promise<PipelineJobRecord | undefined> {
    const job = this.jobs.get(jobId);
    if (!job || job.expiresAt <= this.now()) return undefined;
    return assembleRecord(Object.fromEntries([...job.fields].map(([k, v]) => [k, JSON.parse(v) as unknown])));
  }

  async audio(jobId: string): Promise<Buffer | undefined> {
    return this.jobs.get(jobId)?.audio;
  }

  async deleteAudio(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (job) delete job.audio;
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

  private lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = { next: 0, finishedThrough: 0, finishedAhead: new Set(), offset: 0 };
      this.lanes.set(name, lane);
    }
    return lane;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, job] of this.jobs) if (job.expiresAt <= now) this.jobs.delete(id);
  }
}
