import { Global, Module } from '@nestjs/common';
import { DomainEvents } from '@app/common';
import { ConfigStore } from '@app/config';
import { RedisConnections } from '@app/storage';
import { MemorySessionStore } from './drivers/memory-session-store';
import { RedisSessionStore } from './drivers/redis-session-store';
import type { SessionLimits } from './drivers/session-store-driver';
import { SessionMetrics } from './session-metrics';
import { SessionController } from './session.controller';
import { SessionService } from './session.service';
import { SESSION_STORE, type SessionStore } from './session.types';

/** The one place that picks the session driver: Redis when REDIS_URL is set, else this process's memory. */
function createSessionStore(
  redis: RedisConnections,
  config: ConfigStore,
  events: DomainEvents,
): SessionStore {
  const limits = (): SessionLimits => ({
    ttlSeconds: config.current.sessions.ttl,
    maxHistory: config.current.sessions.maxHistory,
  });
  const driver = redis.enabled
    ? new RedisSessionStore(redis.client(), `${redis.keyPrefix}session:`, limits)
    : new MemorySessionStore(limits);
  return new SessionService(driver, events);
}

@Global()
@Module({
  controllers: [SessionController],
  providers: [
    {
      provide: SESSION_STORE,
      inject: [RedisConnections, ConfigStore, DomainEvents],
      useFactory: createSessionStore,
    },
    SessionMetrics,
  ],
  exports: [SESSION_STORE],
})
export class SessionModule {}
