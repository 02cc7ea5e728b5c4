import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BackendHealthController } from './backend-health.controller';
import { BackendHealthIndicator } from './backend-health.indicator';
import { BackendHealthMonitor } from './backend-health-monitor';
import { HEALTH_CLOCK, systemClock } from './clock';
import { HealthMetrics } from './health-metrics';
import { HealthController } from './health.controller';
import { HEALTH_MONITOR } from './health.types';
import { ProcessHealthIndicators } from './process-health.indicators';

/**
 * Own-process health (terminus), the backend monitor and its REST view. Global so that the realtime,
 * analytics and dashboard modules can read HEALTH_MONITOR without importing this module's internals.
 * BACKEND_REGISTRY and BACKEND_CLIENT come from the (global) BackendClientModule that the app imports.
 */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: false })],
  controllers: [HealthController, BackendHealthController],
  providers: [
    ProcessHealthIndicators,
    BackendHealthIndicator,
    HealthMetrics,
    { provide: HEALTH_CLOCK, useValue: systemClock },
    BackendHealthMonitor,
    { provide: HEALTH_MONITOR, useExisting: BackendHealthMonitor },
  ],
  exports: [HEALTH_MONITOR],
})
export class HealthModule {}
