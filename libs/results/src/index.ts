export * from './result-events';
export * from './result-payloads';
export * from './result-publisher';
export * from './session-entries';
export * from './live-stream-events';
