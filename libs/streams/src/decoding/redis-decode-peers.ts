import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { DecodePeers, Peer, PeerLoad } from './decode-peers';
import { PeerLeases } from './peer-leases';

/**
 * How often an instance reports itself to the others. Slow on purpose: a stream opening or closing is told
 * at once (`announce`); the beat only keeps the lease and refreshes the finals load, a 30 s average.
 */
export const DECODE_PEER_HEARTBEAT_MS = 2000;
/** Three beats missed: the instance is taken for dead and its share returns to the others. */
export const DECODE_PEER_LEASE_MS = 3 * DECODE_PEER_HEARTBEAT_MS;

/** One report on the channel; `hello` asks every instance to report itself at once (a newcomer's start). */
interface PeerMessage {
  id: string;
  kind: 'hello' | 'beat' | 'leave';
  streams: number;
  finals_load: number | null;
}

/**
 * Instances sharing one Redis tell each other their load on a pub/sub channel: a beat every 2 s, at once
 * when a stream opens or closes, `hello` on (re)subscribing, `leave` on shutdown. Each keeps the others'
 * last reports under a lease (`PeerLeases`), so a decode or an admission reads memory only. While its own
 * subscription is down an instance hears nobody: it keeps the last figures (its share does not grow for
 * want of news) and gives everyone a new lease once it listens again.
 */
export class RedisDecodePeers implements DecodePeers {
  readonly id = randomUUID();
  private readonly leases: PeerLeases;
  private readonly changes = new EventEmitter();
  private own?: () => PeerLoad;
  private timer?: NodeJS.Timeout;
  private listening = false;

  constructor(
    /** The process's command connection, for PUBLISH. */
    private readonly redis: Redis,
    private readonly channel: string,
    /** A dedicated connection for the channel, made on join. */
    private readonly subscriber: () => Redis,
    private readonly heartbeatMs = DECODE_PEER_HEARTBEAT_MS,
  ) {
    this.leases = new PeerLeases(3 * heartbeatMs);
  }

  join(own: () => PeerLoad): void {
    this.own = own;
    const connection = this.subscriber();
    connection.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.hear(message);
    });
    // 'ready' comes with the first connection and after each reconnection.
    connection.on('ready', () => {
      connection.subscribe(this.channel).then(
        () => {
          this.listening = true;
          this.leases.renewAll();
          void this.publish('hello');
        },
        () => undefined, // the next 'ready' retries
      );
    });
    connection.on('close', () => {
      this.listening = false;
    });
    this.beat();
  }

  announce(): void {
    void this.publish('beat');
  }

  others(): Peer[] {
    return this.leases.list();
  }

  onChange(listener: () => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }

  async leave(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.own) return;
    await this.publish('leave');
    this.own = undefined;
    this.changes.removeAllListeners();
  }

  private beat(): void {
    this.timer = setTimeout(() => {
      if (this.listening && this.leases.expire()) this.changes.emit('change');
      void this.publish('beat');
      this.beat();
    }, this.heartbeatMs);
    this.timer.unref();
  }

  private hear(message: string): void {
    const report = JSON.parse(message) as PeerMessage;
    if (report.id === this.id) return;
    const changed =
      report.kind === 'leave'
        ? this.leases.left(report.id)
        : this.leases.heard({ id: report.id, streams: report.streams, finalsLoad: report.finals_load });
    if (changed) this.changes.emit('change');
    if (report.kind === 'hello') void this.publish('beat');
  }

  /**
   * Not queued while Redis is away (the command connection would hold it until Redis is back): a missed beat
   * is what the lease allows for.
   */
  private async publish(kind: PeerMessage['kind']): Promise<void> {
    if (!this.own || this.redis.status !== 'ready') return;
    const { streams, finalsLoad } = this.own();
    const report: PeerMessage = { id: this.id, kind, streams, finals_load: finalsLoad };
    await this.redis.publish(this.channel, JSON.stringify(report)).catch(() => undefined);
  }
}
