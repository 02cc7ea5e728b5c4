import type { Redis } from 'ioredis';
import type { PipelineJobMeta, PipelineJobRecord } from './pipeline-job-record';
import {
  FIELD,
  FINAL_STAGE_STATES,
  assembleRecord,
  emptyOutcomes,
  type FinishListener,
  type HeldMemory,
  type OutcomeCounts,
  type PipelineState,
  type RecordFields,
  type StageOutcome,
} from './pipeline-state';

/**
 * Creates the record only if absent (the idempotency gate), assigns the lane sequence and stores the
 * audio, all in one step so that two instances receiving the same chunk cannot both create it.
 * KEYS: job hash, audio, lane sequence. ARGV: ttl, audio, then field/value pairs.
 */
const CREATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local seq = redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[1], '${FIELD.sequence}', seq)
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[1])
return seq`;

/**
 * Advances the lane's watermark over every consecutive finished sequence, tells the processes waiting to
 * acknowledge the chunk (see `onFinished`), and hands over the stage job registered as waiting for the chunk
 * after the new watermark (see `awaitTurn`), which may start now. The loop is bounded by the size of the
 * finished-ahead set.
 * KEYS: watermark, finished-ahead set, waiting hash, finish channel. ARGV: sequence, ttl, job id.
 */
const FINISH_SCRIPT = `
redis.call('PUBLISH', KEYS[4], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
local w = tonumber(redis.call('GET', KEYS[1]) or '0')
while redis.call('SREM', KEYS[2], tostring(w + 1)) == 1 do w = w + 1 end
redis.call('SET', KEYS[1], w, 'EX', ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
local waiter = redis.call('HGET', KEYS[3], tostring(w + 1))
if waiter then redis.call('HDEL', KEYS[3], tostring(w + 1)) end
return waiter`;

/**
 * Writes fields of an existing record (one that expired or was evicted is not brought back without a TTL),
 * and keeps the finished index: once every stage status is final, the job enters the sorted set of finished
 * jobs scored by when it finished, which is the eviction order; entries older than the retention go.
 * KEYS: job hash, finished set. ARGV: now (ms), retention (ms), job id, then field/value pairs.
 */
const UPDATE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local stageWritten = false
for i = 4, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  if string.sub(ARGV[i], 1, ${FIELD.stagePrefix.length}) == '${FIELD.stagePrefix}' then stageWritten = true end
end
if not stageWritten then return 1 end
local final = {${FINAL_STAGE_STATES.map((state) => `['${state}'] = true`).join(', ')}}
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, ${FIELD.stagePrefix.length}) == '${FIELD.stagePrefix}' and not final[cjson.decode(fields[i + 1]).state] then
    redis.call('ZREM', KEYS[2], ARGV[3])
    return 1
  end
end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
return 1`;

/** How long one `INFO memory` reading answers for every submission: a burst of jobs shares one. */
const MEMORY_READING_MS = 250;

/** Shared by the orchestrator and every worker process; all keys live under `<prefix>pipeline:`. */
export class RedisPipelineState implements PipelineState {
  private readonly finishListeners = new Set<FinishListener>();
  private finishSubscription?: Redis;

  /**
   * @param onTurn called with the stage job id that `awaitTurn` registered, once the chunks before it have
   *   finished (by whichever process finished the last of them)
   * @param subscriber makes the dedicated connection that `onFinished` listens on, when first needed
   */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly retentionSeconds: () => number,
    private readonly onTurn: (stageJobId: string) => Promise<void> = async () => undefined,
    private readonly subscriber?: () => Redis,
  ) {}

  private reading?: { at: number; value: Promise<HeldMemory> };

  private key(...parts: string[]): string {
    return `${this.prefix}pipeline:${parts.join(':')}`;
  }

  async create(
    meta: Omit<PipelineJobMeta, 'sequence'>,
    audio: Buffer,
    initial: RecordFields,
  ): Promise<boolean> {
    const pairs = Object.entries({ ...initial, [FIELD.meta]: meta }).flatMap(([k, v]) => [
      k,
      JSON.stringify(v),
    ]);
    const sequence = await this.redis.eval(
      CREATE_SCRIPT,
      3,
      this.key('job', meta.id),
      this.key('audio', meta.id),
      this.key('lane', meta.lane, 'seq'),
      this.retentionSeconds(),
      audio,
      ...pairs,
    );
    return Number(sequence) > 0;
  }

  async update(jobId: string, fields: RecordFields): Promise<void> {
    const pairs = Object.entries(fields).flatMap(([k, v]) => [k, JSON.stringify(v)]);
    if (pairs.length === 0) return;
    await this.redis.eval(
      UPDATE_SCRIPT,
      2,
      this.key('job', jobId),
      this.key('finished'),
      Date.now(),
      this.retentionSeconds() * 1000,
      jobId,
      ...pairs,
    );
  }

  async get(jobId: string): Promise<PipelineJobRecord | undefined> {
    const raw = await this.redis.hgetall(this.key('job', jobId));
    return assembleRecord(
      Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, JSON.parse(v) as unknown])),
    );
  }

  async audio(jobId: string): Promise<Buffer | undefined> {
    return (await this.redis.getBuffer(this.key('audio', jobId))) ?? undefined;
  }

  async deleteAudio(jobId: string): Promise<void> {
    await this.redis.del(this.key('audio', jobId));
  }

  async finishedThrough(lane: string): Promise<number> {
    return Number((await this.redis.get(this.key('lane', lane, 'done'))) ?? 0);
  }

  async markFinished(lane: string, sequence: number, jobId: string): Promise<void> {
    const waiter = (await this.redis.eval(
      FINISH_SCRIPT,
      4,
      this.key('lane', lane, 'done'),
      this.key('lane', lane, 'ahead'),
      this.key('lane', lane, 'waiting'),
      this.key('finished'),
      sequence,
      this.retentionSeconds(),
      jobId,
    )) as string | null;
    if (waiter) await this.onTurn(waiter);
  }

  /**
   * Listens on the finish channel (one connection per process, made on first use). Pub/sub delivers nothing
   * while the connection is down, so after every (re)subscription the listeners are told to look again.
   */
  onFinished(listener: FinishListener): () => void {
    this.finishListeners.add(listener);
    if (!this.finishSubscription && this.subscriber) {
      const connection = this.subscriber();
      const channel = this.key('finished');
      connection.on('message', (from: string, jobId: string) => {
        if (from === channel) this.tellFinished(jobId);
      });
      // 'ready' comes with the first connection and after each reconnection.
      connection.on('ready', () => {
        connection.subscribe(channel).then(
          () => this.tellFinished(undefined),
          () => undefined, // the connection dropped again; its next 'ready' retries
        );
      });
      this.finishSubscription = connection;
    }
    return () => this.finishListeners.delete(listener);
  }

  private tellFinished(jobId: string | undefined): void {
    for (const listener of this.finishListeners) listener(jobId);
  }

  /**
   * Registers a stage job as waiting for its turn in the lane: `markFinished` hands it to `onTurn` once every
   * chunk before `sequence` has finished. Resolves true when that is already the case, so that a finish that
   * came just before the registration is not missed (registration and check are one atomic step).
   */
  async awaitTurn(lane: string, sequence: number, stageJobId: string): Promise<boolean> {
    const waiting = this.key('lane', lane, 'waiting');
    const results = (await this.redis
      .multi()
      .hset(waiting, String(sequence), stageJobId)
      .expire(waiting, this.retentionSeconds())
      .get(this.key('lane', lane, 'done'))
      .exec()) as [Error | null, unknown][];
    const ready = Number(results[2][1] ?? 0) >= sequence - 1;
    if (ready) await this.redis.hdel(waiting, String(sequence));
    return ready;
  }

  async advanceOffset(lane: string, seconds: number): Promise<number> {
    const key = this.key('lane', lane, 'offset');
    const [[, after]] = (await this.redis
      .multi()
      .incrbyfloat(key, seconds)
      .expire(key, this.retentionSeconds())
      .exec()) as [[Error | null, string]];
    return Number(after) - seconds;
  }

  /**
   * Redis's own figures: what it uses for everything it holds (sessions and queues too), and its limit.
   * `used_memory`, not a sum of our key sizes: measured in the soak benchmark, records and audio were
   * under half of it (BullMQ's jobs and events, Lua scripts and Redis's own structures are the rest), and
   * the budget must stop short of what Redis itself refuses at `maxmemory`. A failed job leaves its record
   * (about 0.8 KB, no audio) in the finished set, so the budget evicts it like any finished record; BullMQ's
   * copy is bounded by `pipeline.finished_jobs_kept`.
   */
  memory(): Promise<HeldMemory> {
    const now = Date.now();
    if (!this.reading || now - this.reading.at > MEMORY_READING_MS) {
      const pending = this.redis.info('memory').then(parseMemoryInfo);
      this.reading = { at: now, value: pending };
      // A failed reading is not kept: the next caller asks again.
      pending.catch(() => {
        if (this.reading?.value === pending) this.reading = undefined;
      });
    }
    return this.reading.value;
  }

  async evictFinished(count: number): Promise<number> {
    const ids = await this.redis.zrange(this.key('finished'), '0', String(count - 1));
    if (ids.length === 0) return 0;
    const batch = this.redis.multi();
    for (const id of ids) batch.del(this.key('job', id), this.key('audio', id));
    batch.zrem(this.key('finished'), ...ids);
    const results = (await batch.exec()) as [Error | null, number][];
    this.reading = undefined;
    // Records that expired by themselves meanwhile do not count as evicted.
    return results.slice(0, ids.length).filter(([, removed]) => removed > 0).length;
  }

  async countOutcome(stage: string, outcome: StageOutcome): Promise<void> {
    const batch = this.redis.multi().hincrby(this.key('outcomes'), `${stage}:${outcome}`, 1);
    if (stage === 'transcription' && outcome === 'completed') {
      const minute = this.key('completions', String(Math.floor(Date.now() / 60_000)));
      batch.incr(minute).expire(minute, 180);
    }
    await batch.exec();
  }

  /** Completions of the last minute: the previous minute bucket weighted by how much of it is in range. */
  async outcomes(): Promise<OutcomeCounts> {
    const now = Date.now();
    const minute = Math.floor(now / 60_000);
    const [totals, current, previous] = await Promise.all([
      this.redis.hgetall(this.key('outcomes')),
      this.redis.get(this.key('completions', String(minute))),
      this.redis.get(this.key('completions', String(minute - 1))),
    ]);
    const counts: OutcomeCounts['totals'] = {};
    for (const [field, value] of Object.entries(totals)) {
      const [stage, outcome] = field.split(':') as [string, StageOutcome];
      (counts[stage] ??= emptyOutcomes())[outcome] = Number(value);
    }
    const elapsedShare = (now % 60_000) / 60_000;
    return {
      totals: counts,
      completedLastMinute: Math.round(Number(current ?? 0) + Number(previous ?? 0) * (1 - elapsedShare)),
    };
  }
}

/** `INFO memory` lines as `name:value`; `maxmemory:0` means no limit. */
export function parseMemoryInfo(info: string): HeldMemory {
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  const limit = field('maxmemory');
  return { heldBytes: field('used_memory'), ...(limit > 0 ? { storeLimitBytes: limit } : {}) };
}
