import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisSessionStore } from '@app/session';
import { describeSessionStoreContract } from '../../libs/session/src/testing/session-store-contract';

const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });

describeSessionStoreContract('Redis', {
  // A fresh prefix per test keeps tests (and concurrent jest runs) from seeing each other's sessions.
  create: (limits, now) =>
    Promise.resolve(new RedisSessionStore(redis, `test:${randomUUID()}:`, limits, now)),
  close: async () => {
    await redis.quit();
  },
});

describe('Redis session store keys', () => {
  it('gives every key of a session the TTL, so Redis drops abandoned sessions by itself', async () => {
    const probe = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const prefix = `test:${randomUUID()}:`;
      const store = new RedisSessionStore(probe, prefix, () => ({ ttlSeconds: 120, maxHistory: 10 }));
      await store.join('s', { connectionId: 'a', joinedAt: 'x' });
      await store.append('s', {
        kind: 'speakers',
        chunkId: '1',
        at: 'x',
        segments: [{ speaker: 'A', start: 0, end: 1 }],
        offset: 0,
      });
      for (const key of [`${prefix}s:s`, `${prefix}s:s:participants`, `${prefix}s:s:history`]) {
        const ttl = await probe.ttl(key);
        expect(ttl).toBeGreaterThan(100);
        expect(ttl).toBeLessThanOrEqual(120);
      }
    } finally {
      await probe.quit();
    }
  });
});
