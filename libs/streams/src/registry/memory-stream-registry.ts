import type { TranscriptFinalPayload, TranslationFinalPayload } from '@app/results';
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

interface Entry {
  record: StreamRecord;
  log: ReplayEvent[];
  logSeq: number;
  droppedAt?: number;
  expiresAt: number;
}

/** One process's stream records (no REDIS_URL); the same rules as the Redis driver, for one instance or many in tests. */
export class MemoryStreamRegistry implements StreamRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly instances = new Map<string, number>();
  private readonly listeners = new Set<(taken: StreamTaken) => void>();

  constructor(
    private readonly limits: () => StreamRegistryLimits,
    private readonly now: () => number = Date.now,
  ) {}

  create(record: Omit<StreamRecord, 'epoch' | 'attached'>): Promise<boolean> {
    if (this.live(record.settings.streamId)) return Promise.resolve(false);
    this.entries.set(record.settings.streamId, {
      record: structuredClone({ ...record, epoch: 1, attached: true }),
      log: [],
      logSeq: 0,
      expiresAt: this.expiry(),
    });
    this.alive(record.owner);
    return Promise.resolve(true);
  }

  claim(streamId: string, claimant: Claimant): Promise<ClaimOutcome> {
    const entry = this.live(streamId);
    if (!entry) return Promise.resolve({ outcome: 'unknown' });
    const { record } = entry;
    if ((record.settings.sessionId ?? '') !== (claimant.sessionId ?? '')) {
      return Promise.resolve({ outcome: 'other_session' });
    }
    const ownerAlive =
      record.owner === claimant.owner || (this.instances.get(record.owner) ?? 0) > this.now();
    if (record.attached && record.connectionId !== claimant.connectionId && ownerAlive) {
      return Promise.resolve({ outcome: 'in_use' });
    }
    const previousOwner = record.owner;
    const droppedAt = entry.droppedAt;
    Object.assign(record, {
      owner: claimant.owner,
      connectionId: claimant.connectionId,
      attached: true,
      epoch: record.owner === claimant.owner && !claimant.replace ? record.epoch : record.epoch + 1,
    });
    entry.droppedAt = undefined;
    entry.expiresAt = this.expiry();
    this.alive(claimant.owner);
    if (previousOwner !== claimant.owner) {
      const taken = { streamId, owner: claimant.owner, connectionId: claimant.connectionId };
      for (const listener of this.listeners) listener(taken);
    }
    return Promise.resolve({
      outcome: 'claimed',
      record: structuredClone(record),
      previousOwner,
      droppedAt,
      log: structuredClone(entry.log),
    });
  }

  commitFinal(
    streamId: string,
    holder: { owner: string; epoch: number },
    progress: { finalMs: number; nextUtterance: number },
    final?: { utterance: number; payload: TranscriptFinalPayload },
  ): Promise<boolean> {
    const entry = this.held(streamId, holder);
    if (!entry) return Promise.resolve(false);
    entry.record.finalMs = progress.finalMs;
    entry.record.nextUtterance = progress.nextUtterance;
    if (final)
      this.append(entry, { utterance: final.utterance, event: 'transcript_final', payload: final.payload });
    entry.expiresAt = this.expiry();
    return Promise.resolve(true);
  }

  logTranslation(
    streamId: string,
    utterance: number,
    payload: TranslationFinalPayload,
  ): Promise<{ owner: string; connectionId: string } | undefined> {
    const entry = this.live(streamId);
    if (!entry) return Promise.resolve(undefined);
    this.append(entry, { utterance, event: 'translation_final', payload });
    return Promise.resolve({ owner: entry.record.owner, connectionId: entry.record.connectionId });
  }

  detach(streamId: string, holder: { owner: string; epoch: number }): Promise<void> {
    const entry = this.held(streamId, holder);
    if (entry) {
      entry.record.attached = false;
      entry.droppedAt = entry.logSeq;
    }
    return Promise.resolve();
  }

  release(streamId: string, holder: { owner: string; epoch: number }): Promise<boolean> {
    const held = this.held(streamId, holder) !== undefined;
    if (held) this.entries.delete(streamId);
    return Promise.resolve(held);
  }

  renew(owner: string, streamIds: string[]): Promise<void> {
    this.alive(owner);
    for (const id of streamIds) {
      const entry = this.live(id);
      if (entry) entry.expiresAt = this.expiry();
    }
    this.sweep();
    return Promise.resolve();
  }

  onTaken(listener: (taken: StreamTaken) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private append(entry: Entry, event: Omit<ReplayEvent, 'seq'>): void {
    entry.log.push(structuredClone({ ...event, seq: ++entry.logSeq }) as ReplayEvent);
    if (entry.log.length > MAX_REPLAY_EVENTS) entry.log.splice(0, entry.log.length - MAX_REPLAY_EVENTS);
  }

  private held(streamId: string, holder: { owner: string; epoch: number }): Entry | undefined {
    const entry = this.live(streamId);
    return entry?.record.owner === holder.owner && entry.record.epoch === holder.epoch ? entry : undefined;
  }

  private live(streamId: string): Entry | undefined {
    const entry = this.entries.get(streamId);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(streamId);
      return undefined;
    }
    return entry;
  }

  private alive(owner: string): void {
    this.instances.set(owner, this.now() + this.limits().instanceTtlSeconds * 1000);
  }

  private expiry(): number {
    return this.now() + this.limits().recordTtlSeconds * 1000;
  }

  /** Records of streams nobody renews (closed without a stop) do not pile up. */
  private sweep(): void {
    for (const id of this.entries.keys()) this.live(id);
  }
}
