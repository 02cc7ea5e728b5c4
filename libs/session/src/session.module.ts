import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import { Gauge, type Registry } from 'prom-client';
import { DomainEvents, METRICS_REGISTRY, SCRAPE_DEADLINE_MS, withDeadline } from '@app/common';
import { ConfigStore } from '@app/config';
import { RedisConnections } from '@app/storage';
import { MemorySessionStore } from './drivers/memory-session-store';
import { RedisSessionStore } from './drivers/redis-session-store';
import type { SessionLimits } from './drivers/session-store-driver';
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
  ],
  exports: [SESSION_STORE],
})
export class SessionModule implements OnModuleInit {
  constructor(
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    const sessions = this.sessions;
    new Gauge({
      name: 'orchestration_sessions_active',
      help: 'Sessions that have not expired (across instances when they share Redis)',
      registers: [this.registry],
      // Bounded: during a Redis outage a scrape answers with the last count instead of hanging.
      async collect() {
        const count = await withDeadline(sessions.count(), SCRAPE_DEADLINE_MS, 'session count').catch(
          () => undefined,
        );
        if (count !== undefined) this.set(count);
      },
    });
  }
}
