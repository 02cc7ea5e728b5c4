/** YAML and the wire use snake_case; TypeScript uses camelCase. These convert keys recursively. */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mapKeysDeep(value: unknown, mapKey: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeysDeep(item, mapKey));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [mapKey(k), mapKeysDeep(v, mapKey)]));
}

/** Objects merge key by key; arrays and scalars in `patch` replace what `base` had. */
export function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    merged[key] = deepMerge(base[key], value);
  }
  return merged;
}

export { isPlainObject };

/** A camelCase key as `camelToSnake` writes it, at the type level. */
export type SnakeCaseKey<K extends string> = K extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCaseKey<Tail>}`
  : K;

/** The type of `snakeCaseKeys(value)`: every key, at every depth, in snake_case. */
export type SnakeCased<T> = T extends readonly (infer Item)[]
  ? SnakeCased<Item>[]
  : T extends object
    ? { [K in keyof T as K extends string ? SnakeCaseKey<K> : K]: SnakeCased<T[K]> }
    : T;

/** `mapKeysDeep(value, camelToSnake)` with its result typed: the wire form of a camelCase object. */
export function snakeCaseKeys<T>(value: T): SnakeCased<T> {
  return mapKeysDeep(value, camelToSnake) as SnakeCased<T>;
}
