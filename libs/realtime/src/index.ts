export * from './realtime.events';
export * from './realtime-error';
export * from './realtime.module';
export * from './realtime-io.adapter';
export * from './connection-registry';
