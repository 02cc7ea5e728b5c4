import type { KeyValueStore } from './key-value-store';

interface Entry {
  json: string;
  expiresAt: number;
}

/**
 * Values are stored serialised so that callers cannot mutate stored state through a returned object, the
 * same guarantee the Redis driver gives.
 */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  get<T>(key: string): Promise<T | undefined> {
    const entry = this.live(key);
    return Promise.resolve(entry ? (JSON.parse(entry.json) as T) : undefined);
  }

  set<T>(key: string, value: T, ttlSeconds?: number): Promise<void> {
    const expiresAt = ttlSeconds === undefined ? Number.POSITIVE_INFINITY : this.now() + ttlSeconds * 1000;
    this.entries.set(key, { json: JSON.stringify(value), expiresAt });
    return Promise.resolve();
  }

  delete(key: string): Promise<boolean> {
    const existed = this.live(key) !== undefined;
    this.entries.delete(key);
    return Promise.resolve(existed);
  }

  keys(prefix: string): Promise<string[]> {
    return Promise.resolve(
      [...this.entries.keys()].filter((key) => key.startsWith(prefix) && this.live(key)),
    );
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
