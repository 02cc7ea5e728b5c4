export * from './backend-client';
