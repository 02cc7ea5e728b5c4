import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisStreamRegistry } from '../../libs/streams/src/registry/redis-stream-registry';
import { describeStreamRegistryContract } from '../../libs/streams/src/registry/testing/stream-registry-contract';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const connections: Redis[] = [];
const connect = () => {
  const connection = new Redis(url);
  connections.push(connection);
  return connection;
};

describeStreamRegistryContract('Redis', {
  // A fresh prefix per test keeps tests (and concurrent jest runs) apart.
  create: (limits) =>
    Promise.resolve(new RedisStreamRegistry(connect(), `test:${randomUUID()}:`, limits, connect)),
  // Redis expires the instance liveness keys on its own clock.
  passTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  close: async () => {
    await Promise.all(connections.map((c) => c.quit()));
  },
});
