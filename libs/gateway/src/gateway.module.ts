import { Global, Module } from '@nestjs/common';
import { BACKEND_CLIENT, BACKEND_REGISTRY, BACKEND_ROUTER } from './backend-client';
import { BackendPool } from './backend-pool';
import { GatewayClient } from './gateway-client';
import { GatewayMetrics } from './gateway-metrics';
import { GatewayStats } from './gateway-stats';
import { GatewayController } from './gateway.controller';
import { ProxyRoutes } from './proxy-routes';
import { UpstreamDispatcher } from './upstream-dispatcher';
import { UpstreamTransport } from './upstream-transport';

/**
 * The API gateway: proxy routes, balancing, resilience policies and the typed client. Global, because every
 * feature that talks to a backend must go through BACKEND_CLIENT rather than open its own connection.
 */
@Global()
@Module({
  controllers: [GatewayController],
  providers: [
    BackendPool,
    GatewayMetrics,
    GatewayStats,
    UpstreamTransport,
    UpstreamDispatcher,
    GatewayClient,
    ProxyRoutes,
    { provide: BACKEND_REGISTRY, useExisting: BackendPool },
    { provide: BACKEND_ROUTER, useExisting: BackendPool },
    { provide: BACKEND_CLIENT, useExisting: GatewayClient },
  ],
  exports: [BACKEND_CLIENT, BACKEND_REGISTRY, BACKEND_ROUTER, GatewayStats],
})
export class GatewayModule {}
