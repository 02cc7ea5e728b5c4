export * from './engine.types';
export * from './engine-error';
export * from './confidence';
export * from './language-codes';
export * from './engines.module';
export { LIVETRANSLATE_NO_SPEECH_TEXT } from './stt/livetranslate-speech-to-text.engine';
export * from './api/engine-api.module';
