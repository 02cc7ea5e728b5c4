export * from './realtime.events';
export * from './realtime-error';
export * from './realtime.module';
export * from './realtime-io.adapter';
export * from './connection-registry';
export { RealtimeGateway } from './realtime.gateway';
export type { ClientContext, ClientEventHandler, EventOutcome } from './client-context';
export { validatePayload, isPlainObject } from './payload-validation';
export * from './dto/wire-patterns';
