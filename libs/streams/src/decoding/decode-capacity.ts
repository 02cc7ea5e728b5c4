import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { DomainEvents } from '@app/common';
import { ConfigStore } from '@app/config';
import { SERVICE_CAPACITY, type ServiceCapacity } from '@app/gateway';
import { DECODE_PEERS, type DecodePeers, type Peer, type PeerLoad } from './decode-peers';

/**
 * The live decode slots: this instance's share of what the speech-to-text pool can serve at once, bounded
 * by `streams.max_concurrent_decodes` when that is set (it never raises them above the share).
 */
export function decodeSlots(shareSlots: number, maxConcurrentDecodes: number | undefined): number {
  return maxConcurrentDecodes === undefined ? shareSlots : Math.min(shareSlots, maxConcurrentDecodes);
}

/**
 * This instance's share of the pool's slots among the live instances that share it, in proportion to
 * their open streams (an idle instance counts one: its share is what its next stream gets; idle others
 * claim nothing). Largest remainder, ties by id, so instances that heard the same claims split the pool
 * the same way and the shares add up to it. An instance always keeps one slot while the pool has any: a
 * pool smaller than the instances using it is oversubscribed by that much.
 */
export function poolShare(
  poolSlots: number,
  self: { id: string; streams: number },
  others: readonly { id: string; streams: number }[],
): number {
  const claims = [
    { id: self.id, streams: Math.max(1, self.streams) },
    ...others.filter((peer) => peer.streams > 0),
  ];
  if (claims.length === 1 || poolSlots === 0) return poolSlots;
  const total = claims.reduce((sum, claim) => sum + claim.streams, 0);
  const quotas = claims.map(({ id, streams }) => ({ id, quota: (poolSlots * streams) / total }));
  const slots = new Map(quotas.map(({ id, quota }) => [id, Math.floor(quota)]));
  let left = poolSlots - [...slots.values()].reduce((sum, each) => sum + each, 0);
  const byRemainder = [...quotas].sort((a, b) => (b.quota % 1) - (a.quota % 1) || (a.id < b.id ? -1 : 1));
  for (const { id } of byRemainder) {
    if (left-- <= 0) break;
    slots.set(id, (slots.get(id) ?? 0) + 1);
  }
  return Math.max(1, slots.get(self.id) ?? 0);
}

/**
 * How many live decodes the process sends into the speech-to-text engines at once, and the capacity that
 * admission measures the open streams' finals against. Derived from the pool (BackendPool's capacity: the
 * slots of instances healthy and with a closed breaker), so it drops when an instance dies and comes back
 * with it; with REDIS_URL, shared with the other instances on the same Redis (DECODE_PEERS). Told by the
 * gateway (`gateway.capacity`) and the peers, never polled.
 */
@Injectable()
export class DecodeCapacity implements OnModuleDestroy {
  private readonly changes = new EventEmitter();
  private readonly unsubscribe: (() => void)[];
  private own: () => PeerLoad = () => ({ streams: 0, finalsLoad: null });

  constructor(
    @Inject(SERVICE_CAPACITY) private readonly pool: ServiceCapacity,
    private readonly config: ConfigStore,
    events: DomainEvents,
    @Inject(DECODE_PEERS) private readonly peers: DecodePeers,
  ) {
    // `streams` is read at boot only (not a tunable section), so the pool and its sharers are all that change.
    this.unsubscribe = [
      events.on('gateway.capacity', ({ service }) => {
        if (service === 'whisper') this.changes.emit('change');
      }),
      peers.onChange(() => this.changes.emit('change')),
    ];
  }

  /** Starts sharing the pool with the other instances; `own` is this instance's load as they are told it. */
  report(own: () => PeerLoad): void {
    this.own = own;
    this.peers.join(own);
  }

  /** A stream opened or closed here: the split of the pool changes, here and (told at once) elsewhere. */
  streamsChanged(): void {
    this.peers.announce();
    this.changes.emit('change');
  }

  async onModuleDestroy(): Promise<void> {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.changes.removeAllListeners();
    await this.peers.leave();
  }

  /** The decode slots now; 0 when no speech-to-text instance can take a call. */
  get slots(): number {
    return decodeSlots(this.shareSlots, this.maxConcurrentDecodes);
  }

  /** What the speech-to-text pool serves at once now, before the configured bound. */
  get poolSlots(): number {
    return this.pool.capacity('whisper');
  }

  /** This instance's share of the pool's slots (all of them when it shares them with nobody). */
  get shareSlots(): number {
    return poolShare(this.poolSlots, { id: this.peers.id, streams: this.own().streams }, this.others());
  }

  /**
   * The slots of every instance sharing the pool together: the pool's, bounded by each instance's
   * configured maximum.
   */
  get clusterSlots(): number {
    const max = this.maxConcurrentDecodes;
    return max === undefined ? this.poolSlots : Math.min(this.poolSlots, max * (1 + this.others().length));
  }

  get maxConcurrentDecodes(): number | undefined {
    return this.config.current.streams.maxConcurrentDecodes;
  }

  /** The other live instances sharing the pool, as last heard (none without REDIS_URL). */
  others(): Peer[] {
    return this.peers.others();
  }

  /** Told whenever the slots may have changed; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }
}
