import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule, ConfigService } from '@nestjs/config';
import { DomainEvents } from '@app/common';
import { CONFIG_SOURCE, ConfigFileWatcher } from './config-file-watcher';
import type { ConfigSource } from './config-loader';
import { BOOT_CONFIG, ConfigStore } from './config-store';
import type { OrchestrationConfig } from './schema/orchestration-config';

/**
 * The configuration is loaded and validated before the Nest application is created (so a bad value stops
 * start-up before anything listens), then handed to this module, which registers it with @nestjs/config
 * under the `orchestration` key and keeps the live copy in ConfigStore.
 */
@Global()
@Module({})
export class OrchestrationConfigModule {
  static forRoot(config: OrchestrationConfig, source: ConfigSource): DynamicModule {
    return {
      module: OrchestrationConfigModule,
      imports: [NestConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ orchestration: config })] })],
      providers: [
        { provide: BOOT_CONFIG, useValue: config },
        { provide: CONFIG_SOURCE, useValue: source },
        {
          provide: ConfigStore,
          inject: [ConfigService, DomainEvents],
          useFactory: (nestConfig: ConfigService, events: DomainEvents) =>
            new ConfigStore(nestConfig.getOrThrow<OrchestrationConfig>('orchestration'), events),
        },
        {
          provide: ConfigFileWatcher,
          inject: [ConfigStore, DomainEvents, CONFIG_SOURCE],
          useFactory: (store: ConfigStore, events: DomainEvents, configSource: ConfigSource) =>
            new ConfigFileWatcher(store, events, configSource),
        },
      ],
      exports: [BOOT_CONFIG, ConfigStore, ConfigFileWatcher],
    };
  }
}
