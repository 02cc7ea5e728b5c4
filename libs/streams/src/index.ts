export * from './streams.module';
export { LiveStreams, type StreamView } from './live-streams.service';
