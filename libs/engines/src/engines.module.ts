import { Global, Module } from '@nestjs/common';
import { EngineSelection } from './engine-selection';
import { SPEAKER_ENGINE, SPEECH_TO_TEXT_ENGINE, TRANSLATION_ENGINE } from './engine.types';

/**
 * A stable object for injection that forwards every use to whatever adapter is selected at that moment, so
 * consumers keep one reference across run-time kind changes.
 */
function followSelection<T extends object>(current: () => T): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const engine = current();
      const value: unknown = Reflect.get(engine, property, engine);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(engine) : value;
    },
  });
}

/** The engine adapters, chosen per service by `services.<name>.kind`; needs the gateway's BACKEND_CLIENT. */
@Global()
@Module({
  providers: [
    EngineSelection,
    {
      provide: SPEECH_TO_TEXT_ENGINE,
      inject: [EngineSelection],
      useFactory: (selection: EngineSelection) => followSelection(() => selection.speechToText),
    },
    {
      provide: TRANSLATION_ENGINE,
      inject: [EngineSelection],
      useFactory: (selection: EngineSelection) => followSelection(() => selection.translation),
    },
    {
      provide: SPEAKER_ENGINE,
      inject: [EngineSelection],
      useFactory: (selection: EngineSelection) => followSelection(() => selection.speaker),
    },
  ],
  exports: [SPEECH_TO_TEXT_ENGINE, TRANSLATION_ENGINE, SPEAKER_ENGINE],
})
export class EnginesModule {}
