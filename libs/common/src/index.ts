export * from './api-error';
export * from './validation-errors';
export * from './validation.pipe';
export * from './http-exception.filter';
export * from './domain-events';
export * from './metrics-registry';
export * from './common.module';
export * from './logger';
