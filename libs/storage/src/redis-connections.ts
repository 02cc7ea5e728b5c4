import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { DomainEvents, withDeadline } from '@app/common';
import { BOOT_CONFIG, type OrchestrationConfig } from '@app/config';

/**
 * Owns every ioredis connection of the process so that shutdown closes them all. `enabled` is false when
 * REDIS_URL is not set; the driver factories are the only places that branch on it.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private readonly connections: Redis[] = [];
  private shared?: Redis;

  constructor(
    @Inject(BOOT_CONFIG) private readonly config: OrchestrationConfig,
    private readonly events: DomainEvents,
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.redis.url);
  }

  get keyPrefix(): string {
    return this.config.redis.keyPrefix;
  }

  /** The process-wide command connection. */
  client(): Redis {
    this.shared ??= this.create('shared');
    return this.shared;
  }

  /**
   * A new dedicated connection, for subscribers and BullMQ workers, which block their connection.
   * `maxRetriesPerRequest: null` is what BullMQ requires, and lets commands wait out a Redis restart.
   */
  create(name: string, options: RedisOptions = {}): Redis {
    if (!this.config.redis.url) throw new Error('Redis is not configured (REDIS_URL is not set)');
    const connection = new Redis(this.config.redis.url, {
      connectionName: `orchestration:${name}`,
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      ...options,
    });
    // Reconnect attempts repeat the same error every retry; it is logged once per outage.
    let wasReady = false;
    let lastError: string | undefined;
    connection.on('ready', () => {
      if (wasReady) this.events.activity('info', 'redis', `Redis connection ${name} restored`);
      wasReady = true;
      lastError = undefined;
    });
    connection.on('error', (error: Error) => {
      if (error.message === lastError) return;
      lastError = error.message;
      this.logger.warn(`Redis connection ${name}: ${error.message}`);
      if (wasReady) this.events.activity('error', 'redis', `Redis connection ${name} lost: ${error.message}`);
    });
    this.connections.push(connection);
    return connection;
  }

  async ping(timeoutMs: number): Promise<number> {
    const started = performance.now();
    await withDeadline(this.client().ping(), timeoutMs, 'Redis PING');
    return performance.now() - started;
  }

  /**
   * QUIT is queued like any command, so on a connection that is not ready it would wait for a Redis that
   * may never come back; such connections are cut instead.
   */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(
      this.connections.map(async (connection) => {
        if (connection.status !== 'ready') {
          connection.disconnect();
          return;
        }
        const cut = setTimeout(() => connection.disconnect(), 2000);
        try {
          await connection.quit();
        } catch {
          connection.disconnect();
        } finally {
          clearTimeout(cut);
        }
      }),
    );
  }
}
