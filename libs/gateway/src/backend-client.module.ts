import { Global, Module } from '@nestjs/common';
import { BACKEND_CLIENT, BACKEND_REGISTRY, BACKEND_ROUTER, SERVICE_CAPACITY } from './backend-client';
import { BackendPool } from './backend-pool';
import { GatewayClient } from './gateway-client';
import { GatewayMetrics } from './gateway-metrics';
import { GatewayStats } from './gateway-stats';
import { UpstreamDispatcher } from './upstream-dispatcher';
import { UpstreamTransport } from './upstream-transport';

/**
 * Balancing, resilience policies and the typed client over the backend instances. Global, because every
 * feature that talks to a backend must go through BACKEND_CLIENT rather than open its own connection. Needs
 * no HTTP server, so the pipeline worker loads it alone; the proxy routes are GatewayHttpModule.
 */
@Global()
@Module({
  providers: [
    BackendPool,
    GatewayMetrics,
    GatewayStats,
    UpstreamTransport,
    UpstreamDispatcher,
    GatewayClient,
    { provide: BACKEND_REGISTRY, useExisting: BackendPool },
    { provide: BACKEND_ROUTER, useExisting: BackendPool },
    { provide: SERVICE_CAPACITY, useExisting: BackendPool },
    { provide: BACKEND_CLIENT, useExisting: GatewayClient },
  ],
  exports: [
    BACKEND_CLIENT,
    BACKEND_REGISTRY,
    BACKEND_ROUTER,
    SERVICE_CAPACITY,
    GatewayStats,
    UpstreamDispatcher,
    UpstreamTransport,
  ],
})
export class BackendClientModule {}
