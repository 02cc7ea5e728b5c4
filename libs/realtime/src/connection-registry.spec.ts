import { ConnectionRegistry } from './connection-registry';

describe('ConnectionRegistry', () => {
  it('keeps the peak after connections close and counts every accepted one', () => {
    const registry = new ConnectionRegistry();
    registry.register('a', '127.0.0.1', 'ua', 10, 0);
    registry.register('b', '127.0.0.1', 'ua', 10, 0);
    registry.unregister('a');
    registry.register('c', '127.0.0.1', 'ua', 10, 0);
    expect(registry.totals(0)).toMatchObject({ current: 2, peak: 2, accepted: 3 });
  });

  it('counts messages both ways and refuses those over the rate limit', () => {
    const registry = new ConnectionRegistry();
    const record = registry.register('a', '127.0.0.1', 'ua', 2, 0);
    expect([1, 2, 3].map(() => registry.acceptMessage(record, 2, 0))).toEqual([true, true, false]);
    registry.countOutgoing(record, 0);
    expect(record).toMatchObject({ messagesIn: 3, messagesOut: 1 });
    expect(registry.totals(0)).toMatchObject({ messagesIn: 3, messagesOut: 1 });
  });

  it('finds connections idle since a cutoff and pages in connection order', () => {
    const registry = new ConnectionRegistry();
    const quiet = registry.register('quiet', 'ip', 'ua', 10, 0);
    const busy = registry.register('busy', 'ip', 'ua', 10, 0);
    registry.acceptMessage(busy, 10, 5000);
    expect(registry.idleSince(1000)).toEqual([quiet]);
    expect(registry.page(2, 1).map((r) => r.id)).toEqual(['busy']);
    expect(registry.page(3, 1)).toEqual([]);
  });
});
