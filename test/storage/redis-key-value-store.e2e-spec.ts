import { Redis } from 'ioredis';
import { RedisKeyValueStore } from '../../libs/storage/src/redis-key-value-store';
import { describeKeyValueStoreContract } from '../../libs/storage/src/testing/key-value-store-contract';

describeKeyValueStoreContract('RedisKeyValueStore (real Redis)', {
  create: () => {
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
  },
  // Redis expires keys on its own clock.
  passTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
