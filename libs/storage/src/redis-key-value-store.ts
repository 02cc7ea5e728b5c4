import type { Redis } from 'ioredis';
import type { KeyValueStore } from './key-value-store';

export class RedisKeyValueStore implements KeyValueStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const json = await this.redis.get(this.prefix + key);
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async set<T>(key: string, value: T, ttlSeconds?: number): Promise<void> {
    const json = JSON.stringify(value);
    if (ttlSeconds === undefined) await this.redis.set(this.prefix + key, json);
    else await this.redis.set(this.prefix + key, json, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.prefix + key)) > 0;
  }

  /** SCAN, not KEYS: KEYS blocks Redis for every other client while it walks the whole keyspace. */
  async keys(prefix: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(
        cursor,
        'MATCH',
        `${escapeGlob(this.prefix + prefix)}*`,
        'COUNT',
        500,
      );
      cursor = next;
      found.push(...batch.map((key) => key.slice(this.prefix.length)));
    } while (cursor !== '0');
    return [...new Set(found)];
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
