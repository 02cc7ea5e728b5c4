export * from './backend-client';
export * from './backend-client.module';
export * from './gateway-http.module';
export { GatewayStats } from './gateway-stats';
export type { CallStats, GatewayStatsSnapshot, InstanceStats, ServiceStats } from './gateway-stats';
export type { GatewayErrorCode, GatewayOutcome } from './gateway-errors';
export { toGatewayApiError } from './gateway-errors';
export { engineCredential, type EngineCredential } from './engine-credentials';
export type { CallSize } from './instance-speed';
