import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { decide, type RateLimitDecision, type RateLimiter } from './rate-limiter';

/**
 * INCR and PEXPIRE in one script, so concurrent instances never leave a counter without expiry (which
 * would block a client for good). A key that somehow lost its TTL gets one again.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/**
 * Counters shared by every instance. The connection is expected to have its offline queue off: while Redis
 * is unreachable a hit fails at once and the request is let through (fail open), because refusing all
 * traffic during a Redis restart would turn a protection into an outage.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly logger = new Logger('RateLimiter');
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async hit(bucket: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    try {
      const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, `${this.prefix}${bucket}`, windowMs)) as [
        number,
        number,
      ];
      if (this.failing) this.logger.log('Rate limiting uses Redis again');
      this.failing = false;
      return decide(count, limit, ttl);
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(`Rate limiting is open while Redis fails: ${(error as Error).message}`);
      }
      this.failing = true;
      return { allowed: true, limit, remaining: limit, resetMs: windowMs };
    }
  }
}
