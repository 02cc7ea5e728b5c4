import { DomainEvents } from '@app/common';
import { ConfigStore, loadConfig } from '@app/config';
import { DecodeCapacity, decodeSlots } from './decode-capacity';

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

describe('DecodeCapacity', () => {
  function setup(maxConcurrentDecodes?: number) {
    const events = new DomainEvents();
    const config = loadConfig({ env: { CONFIG_FILE: '' }, cwd: '/nonexistent' });
    config.streams.maxConcurrentDecodes = maxConcurrentDecodes;
    const pool = { slots: 5, capacity: (service: string) => (service === 'whisper' ? pool.slots : 99) };
    const capacity = new DecodeCapacity(pool, new ConfigStore(config, events), events);
    return { events, pool, capacity };
  }

  it('reads the speech-to-text pool now, bounded by the configuration', () => {
    const { pool, capacity } = setup(3);
    expect([capacity.slots, capacity.poolSlots, capacity.maxConcurrentDecodes]).toEqual([3, 5, 3]);
    pool.slots = 2;
    expect(capacity.slots).toBe(2);
  });

  it("is told when the speech-to-text pool's capacity changes, not when another service's does", () => {
    const { events, capacity } = setup();
    let told = 0;
    const unsubscribe = capacity.onChange(() => told++);
    events.emit('gateway.capacity', { service: 'translation', slots: 1, previous: 2 });
    events.emit('gateway.capacity', { service: 'whisper', slots: 1, previous: 2 });
    unsubscribe();
    events.emit('gateway.capacity', { service: 'whisper', slots: 2, previous: 1 });
    expect(told).toBe(1);
    capacity.onModuleDestroy();
  });
});
