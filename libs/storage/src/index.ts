export * from './key-value-store';
export * from './memory-key-value-store';
export * from './redis-key-value-store';
export * from './redis-connections';
export * from './storage.module';
