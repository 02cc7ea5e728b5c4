import { DynamicModule, Module } from '@nestjs/common';
import { CommonModule } from '@app/common';
import { OrchestrationConfigModule, type ConfigSource, type OrchestrationConfig } from '@app/config';
import { EnginesModule } from '@app/engines';
import { BackendClientModule } from '@app/gateway';
import { PipelineModule } from '@app/pipeline';
import { SessionModule } from '@app/session';
import { SettingsModule } from '@app/settings';
import { StorageModule } from '@app/storage';
import { RedisResultPublisherModule } from './redis-result-publisher';

/** The pipeline stages and what they need: engines through the gateway, sessions, results via Redis. */
@Module({})
export class PipelineWorkerModule {
  static forRoot(config: OrchestrationConfig, source: ConfigSource): DynamicModule {
    return {
      module: PipelineWorkerModule,
      imports: [
        CommonModule,
        OrchestrationConfigModule.forRoot(config, source),
        StorageModule,
        SettingsModule,
        BackendClientModule,
        EnginesModule,
        SessionModule,
        RedisResultPublisherModule,
        PipelineModule.forRoot({ role: 'worker' }),
      ],
    };
  }
}
