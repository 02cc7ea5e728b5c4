import { Redis } from 'ioredis';
// Imported by path: the rate limiter alone, without Nest modules.
import { RedisRateLimiter } from '../../libs/security/src/redis-rate-limiter';
import { startRedis, type ExternalService } from '../support/test-services';

/** The connection options SecurityModule uses: a Redis outage fails a hit at once. */
function limiterConnection(url: string): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 500 });
}

async function ready(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
}

describe('RedisRateLimiter (real Redis)', () => {
  let redis: ExternalService;
  beforeAll(async () => {
    redis = await startRedis('rate-limit');
  });
  afterAll(() => redis.stop());

  it('shares one budget between instances and expires it with the window', async () => {
    const a = limiterConnection(redis.url);
    const b = limiterConnection(redis.url);
    try {
      await Promise.all([ready(a), ready(b)]);
      const first = new RedisRateLimiter(a, 'test:rl:');
      const second = new RedisRateLimiter(b, 'test:rl:');
      const decisions = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).hit('proxy:ip:1', 6, 400)),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(6);
      expect(Math.max(...decisions.map((d) => d.resetMs))).toBeLessThanOrEqual(400);
      expect(await a.pttl('test:rl:proxy:ip:1')).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 450));
      expect((await first.hit('proxy:ip:1', 6, 400)).allowed).toBe(true);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('lets requests through while Redis is down, and counts again once it is back', async () => {
    const connection = limiterConnection(redis.url);
    try {
      await ready(connection);
      const limiter = new RedisRateLimiter(connection, 'test:rl:');
      await redis.stop();
      const started = Date.now();
      const during = await limiter.hit('proxy:ip:2', 1, 60_000);
      expect(during.allowed).toBe(true);
      expect(Date.now() - started).toBeLessThan(1000);
      redis = await startRedis('rate-limit', redis.port);
      await ready(connection);
      expect((await limiter.hit('proxy:ip:2', 1, 60_000)).allowed).toBe(true);
      expect((await limiter.hit('proxy:ip:2', 1, 60_000)).allowed).toBe(false);
    } finally {
      connection.disconnect();
    }
  });
});
