import { Global, Module } from '@nestjs/common';
import { KEY_VALUE_STORE, type KeyValueStore } from './key-value-store';
import { MemoryKeyValueStore } from './memory-key-value-store';
import { RedisConnections } from './redis-connections';
import { RedisKeyValueStore } from './redis-key-value-store';

@Global()
@Module({
  providers: [
    RedisConnections,
    {
      provide: KEY_VALUE_STORE,
      inject: [RedisConnections],
      useFactory: (redis: RedisConnections): KeyValueStore =>
        redis.enabled
          ? new RedisKeyValueStore(redis.client(), `${redis.keyPrefix}kv:`)
          : new MemoryKeyValueStore(),
    },
  ],
  exports: [RedisConnections, KEY_VALUE_STORE],
})
export class StorageModule {}
