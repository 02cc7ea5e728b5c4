import type { Provider } from '@nestjs/common';
import { RedisConnections } from '@app/storage';
import { DECODE_PEERS, SoloDecodePeers, type DecodePeers } from './decode-peers';
import { RedisDecodePeers } from './redis-decode-peers';

/** The one place that decides whether the engines are shared: with REDIS_URL, by every instance on it. */
export const decodePeersProvider: Provider = {
  provide: DECODE_PEERS,
  inject: [RedisConnections],
  useFactory: (redis: RedisConnections): DecodePeers =>
    redis.enabled
      ? new RedisDecodePeers(redis.client(), `${redis.keyPrefix}decode-peers`, () =>
          redis.create('decode-peers'),
        )
      : new SoloDecodePeers(),
};
