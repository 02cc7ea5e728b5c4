/**
 * Small JSON document storage shared by settings, sessions and pipeline payload references.
 * The memory driver serves one process; the Redis driver lets several instances and workers share state.
 */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  /** `ttlSeconds` omitted: kept until deleted. */
  set<T>(key: string, value: T, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Keys (without the store's own prefix) that start with `prefix`. */
  keys(prefix: string): Promise<string[]>;
}

export const KEY_VALUE_STORE = Symbol('KEY_VALUE_STORE');
