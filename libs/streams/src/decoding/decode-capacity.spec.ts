import { DomainEvents } from '@app/common';
import { ConfigStore, loadConfig } from '@app/config';
import { DecodeCapacity, decodeSlots, poolShare } from './decode-capacity';
import type { DecodePeers, Peer } from './decode-peers';

describe('decodeSlots', () => {
  it("is the pool's capacity when streams.max_concurrent_decodes is unset", () => {
    expect(decodeSlots(40, undefined)).toBe(40);
    expect(decodeSlots(0, undefined)).toBe(0);
  });

  it('is bounded by max_concurrent_decodes when set, and never raised by it above the pool', () => {
    expect(decodeSlots(40, 8)).toBe(8);
    expect(decodeSlots(2, 8)).toBe(2);
    expect(decodeSlots(0, 8)).toBe(0);
  });
});

describe('poolShare', () => {
  const self = (streams: number) => ({ id: 'b', streams });

  it('is the whole pool for an instance that shares it with nobody, or only with idle instances', () => {
    expect(poolShare(8, self(3), [])).toBe(8);
    expect(poolShare(8, self(3), [{ id: 'a', streams: 0 }])).toBe(8);
  });

  it('splits the pool in proportion to open streams, the shares adding up to the pool', () => {
    expect(poolShare(8, self(1), [{ id: 'a', streams: 1 }])).toBe(4);
    expect(poolShare(8, self(3), [{ id: 'a', streams: 1 }])).toBe(6);
    // 3 slots for 1 + 1 streams: the remainder goes to the lower id, so both instances agree (a: 2, b: 1).
    expect(poolShare(3, self(1), [{ id: 'a', streams: 1 }])).toBe(1);
    expect(poolShare(3, { id: 'a', streams: 1 }, [{ id: 'b', streams: 1 }])).toBe(2);
    const shares = ['a', 'b', 'c'].map((id, index) =>
      poolShare(
        10,
        { id, streams: index + 1 },
        ['a', 'b', 'c'].flatMap((other, i) => (other === id ? [] : [{ id: other, streams: i + 1 }])),
      ),
    );
    expect(shares).toEqual([2, 3, 5]);
  });

  it("counts an idle instance as one stream: its share is its next stream's", () => {
    expect(poolShare(8, self(0), [{ id: 'a', streams: 3 }])).toBe(2);
  });

  it('keeps one slot for an instance with streams while the pool has any, and none when it has none', () => {
    expect(poolShare(1, self(1), [{ id: 'a', streams: 5 }])).toBe(1);
    expect(poolShare(0, self(1), [{ id: 'a', streams: 1 }])).toBe(0);
  });
});

/** Peers as a test sets them: `others` changed by hand, the change told as the Redis driver tells it. */
class SetPeers implements DecodePeers {
  readonly id = 'b';
  peers: Peer[] = [];
  private listener?: () => void;
  join(): void {}
  announce(): void {}
  async leave(): Promise<void> {}
  others(): Peer[] {
    return this.peers;
  }
  onChange(listener: () => void): () => void {
    this.listener = listener;
    return () => (this.listener = undefined);
  }
  set(peers: Peer[]): void {
    this.peers = peers;
    this.listener?.();
  }
}

describe('DecodeCapacity', () => {
  function setup(maxConcurrentDecodes?: number) {
    const events = new DomainEvents();
    const config = loadConfig({ env: { CONFIG_FILE: '' }, cwd: '/nonexistent' });
    config.streams.maxConcurrentDecodes = maxConcurrentDecodes;
    const pool = { slots: 5, capacity: (service: string) => (service === 'whisper' ? pool.slots : 99) };
    const peers = new SetPeers();
    const capacity = new DecodeCapacity(pool, new ConfigStore(config, events), events, peers);
    return { events, pool, peers, capacity };
  }

  it('takes its share of a pool shared with other instances, bounded by the configuration', () => {
    const { pool, peers, capacity } = setup(3);
    pool.slots = 8;
    let streams = 1;
    capacity.report(() => ({ streams, finalsLoad: null }));
    let told = 0;
    capacity.onChange(() => told++);
    peers.set([{ id: 'a', streams: 1, finalsLoad: 0.5 }]);
    expect([capacity.shareSlots, capacity.slots, capacity.clusterSlots]).toEqual([4, 3, 6]);
    streams = 3;
    capacity.streamsChanged();
    expect([capacity.shareSlots, capacity.slots]).toEqual([6, 3]);
    peers.set([]);
    expect([capacity.shareSlots, capacity.clusterSlots]).toEqual([8, 3]);
    expect(told).toBe(3);
  });

  it('reads the speech-to-text pool now, bounded by the configuration', () => {
    const { pool, capacity } = setup(3);
    expect([capacity.slots, capacity.poolSlots, capacity.maxConcurrentDecodes]).toEqual([3, 5, 3]);
    pool.slots = 2;
    expect(capacity.slots).toBe(2);
  });

  it("is told when the speech-to-text pool's capacity changes, not when another service's does", async () => {
    const { events, capacity } = setup();
    let told = 0;
    const unsubscribe = capacity.onChange(() => told++);
    events.emit('gateway.capacity', { service: 'translation', slots: 1, previous: 2 });
    events.emit('gateway.capacity', { service: 'whisper', slots: 1, previous: 2 });
    unsubscribe();
    events.emit('gateway.capacity', { service: 'whisper', slots: 2, previous: 1 });
    expect(told).toBe(1);
    await capacity.onModuleDestroy();
  });
});
