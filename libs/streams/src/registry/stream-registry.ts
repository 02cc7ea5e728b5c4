import type { TranscriptFinalPayload, TranslationFinalPayload } from '@app/results';
import type { StreamSettings } from '../stream-settings';

/**
 * What any instance needs to take a live stream over (CONTRACTS §3a resume): who serves it, how far its
 * finals reached and where its utterance numbering goes on. Kept while the stream is open and for a while
 * after its client dropped; the memory driver serves one process, the Redis driver every instance.
 */
export interface StreamRecord {
  settings: StreamSettings;
  /** The instance serving the stream (`StreamRegistry.instanceId` of that process). */
  owner: string;
  /**
   * Bumped when a claim moves the stream to another owner: a copy holding a stale epoch has been replaced
   * (even on an instance that owns the stream again). A claim by the owner itself keeps it, so a final
   * committed while its own client comes back is not refused.
   */
  epoch: number;
  connectionId: string;
  /** False once the owner saw the client's connection close. */
  attached: boolean;
  /**
   * Where a new owner resumes: the end of the last utterance whose final is out (or that was heard as
   * nothing) before the earliest one not delivered (a final given up keeps it before its audio).
   */
  finalMs: number;
  /** The number of the utterance at `finalMs`, so ids continue across owners (finals after it are in the log). */
  nextUtterance: number;
}

/** A final or translation the stream sent, kept for a client that missed it while away. */
export type ReplayEvent = { seq: number; utterance: number } & (
  | { event: 'transcript_final'; payload: TranscriptFinalPayload }
  | { event: 'translation_final'; payload: TranslationFinalPayload }
);

export type ClaimOutcome =
  | {
      outcome: 'claimed';
      /** The record as claimed (new owner, connection and epoch). */
      record: StreamRecord;
      previousOwner: string;
      /** Replay-log position at which the previous connection was seen closing; undefined if it never was. */
      droppedAt?: number;
      log: ReplayEvent[];
    }
  | { outcome: 'unknown' }
  /** The stream belongs to another session (or to none, or to one when the claimant names none). */
  | { outcome: 'other_session' }
  /** Another live connection holds it. */
  | { outcome: 'in_use' };

export interface Claimant {
  owner: string;
  connectionId: string;
  sessionId?: string;
  /** The owner replaces its own copy: the epoch moves on, so that copy can commit nothing more. */
  replace?: boolean;
}

/** Told to every instance when a stream changes owner: the old owner closes its copy. */
export interface StreamTaken {
  streamId: string;
  owner: string;
  connectionId: string;
}

export interface StreamRegistry {
  /** Records a new stream; false when the id is already recorded. */
  create(record: Omit<StreamRecord, 'epoch' | 'attached'>): Promise<boolean>;
  /**
   * Takes the stream for `claimant` when it is free: its connection closed, the same connection asks again,
   * or its owner stopped renewing (crashed). Atomic: two claims never both win, and a claim by another
   * instance is announced to the old owner (`onTaken`).
   */
  claim(streamId: string, claimant: Claimant): Promise<ClaimOutcome>;
  /**
   * Records that the utterances before `nextUtterance` are done (up to `finalMs`), and logs the final, if
   * any, for replay. False when `owner`/`epoch` no longer hold the stream: the caller must not publish.
   */
  commitFinal(
    streamId: string,
    holder: { owner: string; epoch: number },
    progress: { finalMs: number; nextUtterance: number },
    final?: { utterance: number; payload: TranscriptFinalPayload },
  ): Promise<boolean>;
  /** Logs a translation for replay; answers where the stream's client is now (undefined: stream gone). */
  logTranslation(
    streamId: string,
    utterance: number,
    payload: TranslationFinalPayload,
  ): Promise<{ owner: string; connectionId: string } | undefined>;
  /** The holder saw its client's connection close: remembers the replay-log position. */
  detach(streamId: string, holder: { owner: string; epoch: number }): Promise<void>;
  /** Forgets the stream if `holder` still holds it (stopped); false when another owner has it. */
  release(streamId: string, holder: { owner: string; epoch: number }): Promise<boolean>;
  /** Says the instance is alive and keeps its streams' records from expiring. */
  renew(owner: string, streamIds: string[]): Promise<void>;
  onTaken(listener: (taken: StreamTaken) => void): () => void;
}

/** How long records and instance heartbeats live; read at each call, so config changes apply. */
export interface StreamRegistryLimits {
  /** A record not renewed for this long is gone (its owner crashed and its client did not come back). */
  recordTtlSeconds: number;
  /** An instance that has not renewed for this long is taken for dead: its attached streams can be claimed. */
  instanceTtlSeconds: number;
}

/** Finals and translations kept per stream for replay: a few minutes of captions with two targets. */
export const MAX_REPLAY_EVENTS = 300;

export const STREAM_REGISTRY = Symbol('STREAM_REGISTRY');
