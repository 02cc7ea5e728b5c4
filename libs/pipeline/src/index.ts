export * from './pipeline.types';
export * from './pipeline-names';
export * from './pipeline.module';
export * from './audio/audio-format';
export * from './audio/voice-activity';
export * from './audio/wav-header';
export { pipelineJobId } from './pipeline.service';
export * from './admission/admission.types';
