import { Module } from '@nestjs/common';
import { GatewayController } from './gateway.controller';
import { ProxyMetrics } from './proxy-metrics';
import { ProxyRoutes } from './proxy-routes';

/**
 * The gateway's HTTP side: the `/api/<service>/*` proxy routes and `GET /api/gateway`. Loaded by the
 * orchestrator only; the instances, policies and transport come from BackendClientModule.
 */
@Module({
  controllers: [GatewayController],
  providers: [ProxyRoutes, ProxyMetrics],
})
export class GatewayHttpModule {}
