import { Global, Module } from '@nestjs/common';
import { EngineSelection } from './engine-selection';
import { ENGINES, type Engines } from './engine.types';

/** The engine adapters, chosen per service by `services.<name>.kind`; needs the gateway's BACKEND_CLIENT. */
@Global()
@Module({
  providers: [
    EngineSelection,
    {
      provide: ENGINES,
      inject: [EngineSelection],
      useFactory: (selection: EngineSelection): Engines => selection,
    },
  ],
  exports: [ENGINES],
})
export class EnginesModule {}
