export * from './constant-time';
export * from './admin.guard';
