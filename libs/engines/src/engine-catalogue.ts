import type { BackendServiceConfig } from '@app/config';
import type { BackendClient } from '@app/gateway';
import type { SpeakerEngine, SpeechToTextEngine, TranslationEngine } from './engine.types';
import { LivetranslateSpeakerEngine } from './speaker/livetranslate-speaker.engine';
import { LivetranslateSpeechToTextEngine } from './stt/livetranslate-speech-to-text.engine';
import { OpenAiSpeechToTextEngine } from './stt/openai-speech-to-text.engine';
import { WhisperCppSpeechToTextEngine } from './stt/whisper-cpp-speech-to-text.engine';
import { ApertiumTranslationEngine } from './translation/apertium-translation.engine';
import { LibreTranslateTranslationEngine } from './translation/libretranslate-translation.engine';
import { LivetranslateTranslationEngine } from './translation/livetranslate-translation.engine';

type EngineConstructor<E> = new (client: BackendClient, settings: () => BackendServiceConfig) => E;

/**
 * Every adapter by `services.<name>.kind`. The config schema (ENGINE_KINDS) validates kinds against the same
 * names, so an unknown kind never reaches the lookup.
 */
export const SPEECH_TO_TEXT_ADAPTERS: Record<string, EngineConstructor<SpeechToTextEngine>> = {
  livetranslate: LivetranslateSpeechToTextEngine,
  openai: OpenAiSpeechToTextEngine,
  'whisper-cpp': WhisperCppSpeechToTextEngine,
};

export const TRANSLATION_ADAPTERS: Record<string, EngineConstructor<TranslationEngine>> = {
  livetranslate: LivetranslateTranslationEngine,
  libretranslate: LibreTranslateTranslationEngine,
  apertium: ApertiumTranslationEngine,
};

export const SPEAKER_ADAPTERS: Record<string, EngineConstructor<SpeakerEngine>> = {
  livetranslate: LivetranslateSpeakerEngine,
};

export function createAdapter<E>(
  adapters: Record<string, EngineConstructor<E>>,
  kind: string,
  client: BackendClient,
  settings: () => BackendServiceConfig,
): E {
  const Adapter = adapters[kind];
  if (!Adapter) {
    throw new Error(`No engine adapter of kind "${kind}" (known: ${Object.keys(adapters).join(', ')})`);
  }
  return new Adapter(client, settings);
}
