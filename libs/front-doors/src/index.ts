export * from './front-doors.module';
