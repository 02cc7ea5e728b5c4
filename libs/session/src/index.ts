export * from './session.types';
