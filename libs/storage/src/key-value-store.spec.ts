import { Redis } from 'ioredis';
import type { KeyValueStore } from './key-value-store';
import { MemoryKeyValueStore } from './memory-key-value-store';
import { RedisKeyValueStore } from './redis-key-value-store';

/** The same behaviour is required of both drivers. */
function describeDriver(
  name: string,
  create: () => { store: KeyValueStore; close?: () => Promise<void> },
): void {
  describe(name, () => {
    let store: KeyValueStore;
    let close: (() => Promise<void>) | undefined;
    beforeEach(() => {
      ({ store, close } = create());
    });
    afterEach(async () => close?.());

    it('stores, returns copies, lists by prefix and deletes', async () => {
      const value = { languages: ['es'] };
      await store.set('settings', value);
      await store.set('session:a', { n: 1 });
      await store.set('session:b', { n: 2 });
      value.languages.push('fr');
      expect(await store.get('settings')).toEqual({ languages: ['es'] });
      expect((await store.keys('session:')).sort()).toEqual(['session:a', 'session:b']);
      expect(await store.delete('session:a')).toBe(true);
      expect(await store.delete('session:a')).toBe(false);
      expect(await store.get('session:a')).toBeUndefined();
    });

    it('forgets a value after its time to live', async () => {
      await store.set('short', 'lived', 1);
      expect(await store.get('short')).toBe('lived');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await store.get('short')).toBeUndefined();
      expect(await store.keys('sh')).toEqual([]);
    });

    it('treats glob characters in a prefix literally', async () => {
      await store.set('a*b', 1);
      await store.set('axb', 2);
      expect(await store.keys('a*')).toEqual(['a*b']);
    });
  });
}

describeDriver('MemoryKeyValueStore', () => ({ store: new MemoryKeyValueStore() }));

describeDriver('RedisKeyValueStore', () => {
  const redis = new Redis(process.env.TEST_REDIS_URL as string);
  const prefix = `test:${process.pid}:${Math.random().toString(36).slice(2)}:`;
  return {
    store: new RedisKeyValueStore(redis, prefix),
    close: async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
});
