import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { getHeapStatistics } from 'node:v8';
import { RedisConnections } from '@app/storage';
import { EventLoopDelay } from './event-loop-delay';

/** Past this the process answers too late to be useful: a second of p99 event-loop delay. */
const MAX_EVENT_LOOP_P99_MS = 1000;
/** Past this share of the V8 heap limit the process is about to fail allocations. */
const MAX_HEAP_SHARE = 0.95;
const REDIS_PROBE_TIMEOUT_MS = 1000;

/** Terminus indicators for the orchestrator's own process; they report, never throw. */
@Injectable()
export class ProcessHealthIndicators implements OnModuleDestroy {
  private readonly loopDelay = new EventLoopDelay();

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisConnections,
  ) {
    this.loopDelay.start();
  }

  onModuleDestroy(): void {
    this.loopDelay.stop();
  }

  eventLoop(): HealthIndicatorResult {
    const { p50Ms, p99Ms, meanMs } = this.loopDelay.read();
    const details = { p50_ms: round(p50Ms), p99_ms: round(p99Ms), mean_ms: round(meanMs) };
    const check = this.indicators.check('event_loop');
    return p99Ms > MAX_EVENT_LOOP_P99_MS ? check.down(details) : check.up(details);
  }

  memory(): HealthIndicatorResult {
    const { heapUsed, rss } = process.memoryUsage();
    const limit = getHeapStatistics().heap_size_limit;
    const details = {
      heap_used_mb: round(heapUsed / 2 ** 20),
      heap_limit_mb: round(limit / 2 ** 20),
      rss_mb: round(rss / 2 ** 20),
    };
    const check = this.indicators.check('memory');
    return heapUsed / limit > MAX_HEAP_SHARE ? check.down(details) : check.up(details);
  }

  async redisConnection(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('redis');
    try {
      const latency = await this.redis.ping(REDIS_PROBE_TIMEOUT_MS);
      return check.up({ response_time_ms: round(latency) });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
