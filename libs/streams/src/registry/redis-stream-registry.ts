import type { Redis } from 'ioredis';
import type { TranscriptFinalPayload, TranslationFinalPayload } from '@app/results';
import type { StreamSettings } from '../stream-settings';
import {
  CLAIM_SCRIPT,
  COMMIT_SCRIPT,
  CREATE_SCRIPT,
  DETACH_SCRIPT,
  LOG_SCRIPT,
  RELEASE_SCRIPT,
} from './redis-stream-scripts';
import {
  MAX_REPLAY_EVENTS,
  type ClaimOutcome,
  type Claimant,
  type ReplayEvent,
  type StreamRecord,
  type StreamRegistry,
  type StreamRegistryLimits,
  type StreamTaken,
} from './stream-registry';

/**
 * Stream records in Redis, shared by every instance: a hash per stream and its replay log, both with the
 * record TTL (renewed by the owner while the stream is open); a liveness key per instance; and a pub/sub
 * channel on which a claim tells the old owner that its stream moved.
 */
export class RedisStreamRegistry implements StreamRegistry {
  private readonly listeners = new Set<(taken: StreamTaken) => void>();
  private subscription?: Redis;

  constructor(
    private readonly redis: Redis,
    /** e.g. `lt:stream:` */
    private readonly prefix: string,
    private readonly limits: () => StreamRegistryLimits,
    /** A dedicated connection for the taken channel, made on the first listener. */
    private readonly subscriber: () => Redis,
  ) {}

  async create(record: Omit<StreamRecord, 'epoch' | 'attached'>): Promise<boolean> {
    const keys = this.keys(record.settings.streamId);
    const created = (await this.redis.eval(
      CREATE_SCRIPT,
      2,
      keys.record,
      keys.log,
      'settings',
      JSON.stringify(record.settings),
      'sessionId',
      record.settings.sessionId ?? '',
      'owner',
      record.owner,
      'connectionId',
      record.connectionId,
      'finalMs',
      String(record.finalMs),
      'nextUtterance',
      String(record.nextUtterance),
      this.ttl(),
    )) as number;
    return created === 1;
  }

  async claim(streamId: string, claimant: Claimant): Promise<ClaimOutcome> {
    const keys = this.keys(streamId);
    const reply = (await this.redis.eval(
      CLAIM_SCRIPT,
      2,
      keys.record,
      keys.log,
      claimant.owner,
      claimant.connectionId,
      claimant.sessionId ?? '',
      this.ttl(),
      this.instanceKey(''),
      this.channel,
      streamId,
      claimant.replace ? '1' : '0',
    )) as string[];
    const [outcome, previousOwner, droppedAt, settings, finalMs, nextUtterance, epoch, ...log] = reply;
    if (outcome !== 'claimed') return { outcome: outcome as 'unknown' | 'other_session' | 'in_use' };
    return {
      outcome: 'claimed',
      record: {
        settings: JSON.parse(settings) as StreamSettings,
        owner: claimant.owner,
        epoch: Number(epoch),
        connectionId: claimant.connectionId,
        attached: true,
        finalMs: Number(finalMs),
        nextUtterance: Number(nextUtterance),
      },
      previousOwner,
      droppedAt: Number(droppedAt) < 0 ? undefined : Number(droppedAt),
      log: log.map(parseEntry),
    };
  }

  async commitFinal(
    streamId: string,
    holder: { owner: string; epoch: number },
    progress: { finalMs: number; nextUtterance: number },
    final?: { utterance: number; payload: TranscriptFinalPayload },
  ): Promise<boolean> {
    const keys = this.keys(streamId);
    const entry = final
      ? [JSON.stringify({ utterance: final.utterance, event: 'transcript_final', payload: final.payload })]
      : [];
    const committed = (await this.redis.eval(
      COMMIT_SCRIPT,
      2,
      keys.record,
      keys.log,
      holder.owner,
      String(holder.epoch),
      String(progress.finalMs),
      String(progress.nextUtterance),
      this.ttl(),
      String(MAX_REPLAY_EVENTS),
      ...entry,
    )) as number;
    return committed === 1;
  }

  async logTranslation(
    streamId: string,
    utterance: number,
    payload: TranslationFinalPayload,
  ): Promise<{ owner: string; connectionId: string } | undefined> {
    const keys = this.keys(streamId);
    const reply = (await this.redis.eval(
      LOG_SCRIPT,
      2,
      keys.record,
      keys.log,
      JSON.stringify({ utterance, event: 'translation_final', payload }),
      this.ttl(),
      String(MAX_REPLAY_EVENTS),
    )) as [string, string] | null;
    return reply ? { owner: reply[0], connectionId: reply[1] } : undefined;
  }

  async detach(streamId: string, holder: { owner: string; epoch: number }): Promise<void> {
    const keys = this.keys(streamId);
    await this.redis.eval(DETACH_SCRIPT, 2, keys.record, keys.log, holder.owner, String(holder.epoch));
  }

  async release(streamId: string, holder: { owner: string; epoch: number }): Promise<boolean> {
    const keys = this.keys(streamId);
    const released = (await this.redis.eval(
      RELEASE_SCRIPT,
      2,
      keys.record,
      keys.log,
      holder.owner,
      String(holder.epoch),
    )) as number;
    return released === 1;
  }

  async renew(owner: string, streamIds: string[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    pipeline.set(
      this.instanceKey(owner),
      '1',
      'EX',
      Math.max(1, Math.ceil(this.limits().instanceTtlSeconds)),
    );
    const ttl = this.ttl();
    for (const id of streamIds) {
      const keys = this.keys(id);
      pipeline.expire(keys.record, ttl).expire(keys.log, ttl);
    }
    await pipeline.exec();
  }

  /**
   * Listens on the taken channel. Pub/sub delivers nothing while the connection is down; an owner that
   * missed a message still cannot publish (its commits fail) and closes its copy when its detach timer ends.
   */
  onTaken(listener: (taken: StreamTaken) => void): () => void {
    this.listeners.add(listener);
    if (!this.subscription) {
      const connection = this.subscriber();
      connection.on('message', (channel: string, message: string) => {
        if (channel !== this.channel) return;
        const taken = JSON.parse(message) as StreamTaken;
        for (const each of this.listeners) each(taken);
      });
      // 'ready' comes with the first connection and after each reconnection.
      connection.on('ready', () => {
        connection.subscribe(this.channel).catch(() => undefined); // the next 'ready' retries
      });
      this.subscription = connection;
    }
    return () => this.listeners.delete(listener);
  }

  private get channel(): string {
    return `${this.prefix}taken`;
  }

  private instanceKey(owner: string): string {
    return `${this.prefix}instance:${owner}`;
  }

  private ttl(): string {
    return String(Math.max(1, Math.ceil(this.limits().recordTtlSeconds)));
  }

  private keys(streamId: string): { record: string; log: string } {
    const record = `${this.prefix}s:${streamId}`;
    return { record, log: `${record}:log` };
  }
}

function parseEntry(line: string): ReplayEvent {
  const space = line.indexOf(' ');
  return {
    seq: Number(line.slice(0, space)),
    ...(JSON.parse(line.slice(space + 1)) as object),
  } as ReplayEvent;
}
