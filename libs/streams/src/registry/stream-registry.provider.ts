import type { Provider } from '@nestjs/common';
import { ConfigStore } from '@app/config';
import { RedisConnections } from '@app/storage';
import { MemoryStreamRegistry } from './memory-stream-registry';
import { RedisStreamRegistry } from './redis-stream-registry';
import { STREAM_REGISTRY, type StreamRegistry, type StreamRegistryLimits } from './stream-registry';

/** How often an instance says it is alive and renews its streams' records. */
export const REGISTRY_RENEW_INTERVAL_MS = 5000;
/** Three renewals missed: the instance is taken for dead and its streams can be resumed elsewhere. */
const INSTANCE_TTL_SECONDS = (3 * REGISTRY_RENEW_INTERVAL_MS) / 1000;
/** A record outlives the detached wait by this much, so a resume near its end still finds it. */
const RECORD_GRACE_SECONDS = 60;

/** The one place that picks the stream registry's driver: Redis when REDIS_URL is set, else this process's memory. */
export const streamRegistryProvider: Provider = {
  provide: STREAM_REGISTRY,
  inject: [RedisConnections, ConfigStore],
  useFactory: (redis: RedisConnections, config: ConfigStore): StreamRegistry => {
    const limits = (): StreamRegistryLimits => ({
      recordTtlSeconds: config.current.streams.detachedTimeout + RECORD_GRACE_SECONDS,
      instanceTtlSeconds: INSTANCE_TTL_SECONDS,
    });
    return redis.enabled
      ? new RedisStreamRegistry(redis.client(), `${redis.keyPrefix}stream:`, limits, () =>
          redis.create('stream-registry'),
        )
      : new MemoryStreamRegistry(limits);
  },
};
