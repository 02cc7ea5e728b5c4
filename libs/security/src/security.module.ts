import { Global, Module } from '@nestjs/common';
import { RedisConnections } from '@app/storage';
import { AdminGuard } from './admin.guard';
import { MemoryRateLimiter } from './memory-rate-limiter';
import { RATE_LIMITER, type RateLimiter } from './rate-limiter';
import { RedisRateLimiter } from './redis-rate-limiter';
import { RequestGate } from './request-gate';

/** A Redis hit that takes longer than this is abandoned and the request let through. */
const RATE_LIMIT_COMMAND_TIMEOUT_MS = 500;

/**
 * Access control and request limits for the whole HTTP server. RATE_LIMITER is exported so other modules
 * (the realtime gateway's message limits) can count in the same store, shared across instances with Redis.
 */
@Global()
@Module({
  providers: [
    AdminGuard,
    RequestGate,
    {
      provide: RATE_LIMITER,
      inject: [RedisConnections],
      useFactory: (redis: RedisConnections): RateLimiter =>
        redis.enabled
          ? new RedisRateLimiter(
              // No offline queue and no retries: during a Redis outage a hit fails at once (and is let through)
              // instead of holding the request until Redis returns.
              redis.create('rate-limit', {
                enableOfflineQueue: false,
                maxRetriesPerRequest: 0,
                commandTimeout: RATE_LIMIT_COMMAND_TIMEOUT_MS,
              }),
              `${redis.keyPrefix}rl:`,
            )
          : new MemoryRateLimiter(),
    },
  ],
  exports: [AdminGuard, RATE_LIMITER],
})
export class SecurityModule {}
