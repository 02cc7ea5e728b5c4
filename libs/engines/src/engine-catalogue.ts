import type { BackendServiceConfig, EngineKind, ServiceName } from '@app/config';
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

/** The engine interface each service's adapters implement. */
export interface ServiceEngines {
  whisper: SpeechToTextEngine;
  speaker: SpeakerEngine;
  translation: TranslationEngine;
}

/**
 * The adapter of every engine kind, keyed like ENGINE_KINDS (libs/config), whose rows hold the rest of what
 * is known about a kind (health paths, concurrency, discovery). A kind named there without an adapter here,
 * or an adapter for a kind not named there, does not compile.
 */
export const ENGINE_ADAPTERS = {
  whisper: {
    livetranslate: LivetranslateSpeechToTextEngine,
    openai: OpenAiSpeechToTextEngine,
    'whisper-cpp': WhisperCppSpeechToTextEngine,
  },
  speaker: {
    livetranslate: LivetranslateSpeakerEngine,
  },
  translation: {
    livetranslate: LivetranslateTranslationEngine,
    libretranslate: LibreTranslateTranslationEngine,
    apertium: ApertiumTranslationEngine,
  },
} as const satisfies { [S in ServiceName]: Record<EngineKind<S>, EngineConstructor<ServiceEngines[S]>> };

/** The same table, indexable by a kind name read from config (validated against ENGINE_KINDS at boot). */
const BY_NAME: { [S in ServiceName]: Record<string, EngineConstructor<ServiceEngines[S]>> } = ENGINE_ADAPTERS;

export function createAdapter<S extends ServiceName>(
  service: S,
  kind: string,
  client: BackendClient,
  settings: () => BackendServiceConfig,
): ServiceEngines[S] {
  const adapters = BY_NAME[service];
  const Adapter = adapters[kind];
  if (!Adapter) {
    throw new Error(
      `No ${service} engine adapter of kind "${kind}" (known: ${Object.keys(adapters).join(', ')})`,
    );
  }
  return new Adapter(client, settings);
}
