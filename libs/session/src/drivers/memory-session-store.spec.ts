import { MemorySessionStore } from './memory-session-store';
import { describeSessionStoreContract } from './session-store-contract';

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
