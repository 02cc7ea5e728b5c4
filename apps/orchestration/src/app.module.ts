import { DynamicModule, Module } from '@nestjs/common';
import { AnalyticsModule } from '@app/analytics';
import { CommonModule } from '@app/common';
import { OrchestrationConfigModule, type ConfigSource, type OrchestrationConfig } from '@app/config';
import { DashboardModule } from '@app/dashboard';
import { EngineApiModule, EnginesModule } from '@app/engines';
import { FrontDoorsModule } from '@app/front-doors';
import { BackendClientModule, GatewayHttpModule } from '@app/gateway';
import { HealthModule } from '@app/health';
import { PipelineModule } from '@app/pipeline';
import { RealtimeModule } from '@app/realtime';
import { SecurityModule } from '@app/security';
import { SessionModule } from '@app/session';
import { SettingsHttpModule, SettingsModule } from '@app/settings';
import { StorageModule } from '@app/storage';
import { StreamsModule } from '@app/streams';

@Module({})
export class AppModule {
  static forRoot(config: OrchestrationConfig, source: ConfigSource): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CommonModule,
        OrchestrationConfigModule.forRoot(config, source),
        StorageModule,
        SecurityModule,
        SettingsModule,
        SettingsHttpModule,
        BackendClientModule,
        GatewayHttpModule,
        EnginesModule,
        EngineApiModule,
        FrontDoorsModule,
        HealthModule,
        SessionModule,
        RealtimeModule,
        StreamsModule,
        PipelineModule.forRoot({ role: 'orchestrator' }),
        AnalyticsModule,
        DashboardModule,
      ],
    };
  }
}
