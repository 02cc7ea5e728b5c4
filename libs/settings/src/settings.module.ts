import { Global, Module } from '@nestjs/common';
import { ConfigController } from './config.controller';
import { SettingsController } from './settings.controller';
import { SettingsService } from './settings.service';

/** Application settings kept in the key-value store; global because the pipeline and realtime read them. */
@Global()
@Module({
  providers: [SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}

/** The HTTP API over the running configuration and the settings; only processes that serve HTTP load it. */
@Module({
  controllers: [ConfigController, SettingsController],
})
export class SettingsHttpModule {}
