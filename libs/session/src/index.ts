export * from './session.types';
export * from './session.service';
export * from './session.module';
export * from './drivers/session-store-driver';
export * from './drivers/memory-session-store';
export * from './drivers/redis-session-store';
