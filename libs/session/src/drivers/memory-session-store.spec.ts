import { MemorySessionStore } from './memory-session-store';
import { describeSessionStoreContract } from '../testing/session-store-contract';

describeSessionStoreContract('memory', {
  create: (limits, now) => Promise.resolve(new MemorySessionStore(limits, now)),
});

describe('memory session store isolation', () => {
  it('hands out copies, so a caller cannot change what is stored', async () => {
    const store = new MemorySessionStore(() => ({ ttlSeconds: 60, maxHistory: 10 }));
    const { session } = await store.join('s', { connectionId: 'a', joinedAt: 'x' });
    session.participants.length = 0;
    expect((await store.get('s'))?.participants).toHaveLength(1);
  });
});

describe('memory session store sweep', () => {
  it('drops expired sessions that are never read again when new ones are created', async () => {
    let clock = 0;
    const store = new MemorySessionStore(
      () => ({ ttlSeconds: 60, maxHistory: 10 }),
      () => clock,
    );
    for (let i = 0; i < 5; i++) await store.join(`old-${i}`, { connectionId: 'a', joinedAt: 'x' });
    clock += 120_000;
    await store.join('new', { connectionId: 'b', joinedAt: 'y' });
    expect(store.heldSessions).toBe(1);
  });
});
