import type { BreakerState } from '@app/gateway';
import type { ServiceName } from '@app/config';

export type InstanceStatus = 'up' | 'down' | 'degraded' | 'unknown';
export type AlertLevel = 'warning' | 'critical' | 'recovered';

export interface InstanceHealth {
  service: ServiceName;
  instanceId: string;
  url: string;
  status: InstanceStatus;
  responseTimeMs: number | null;
  lastCheck: string | null;
  lastChange: string | null;
  consecutiveFailures: number;
  uptimePercent: number | null;
  circuit: BreakerState;
  lastError: string | null;
  /** Whether the gateway routes traffic to it (false once marked down, until it recovers). */
  inRotation?: boolean;
  weight?: number;
  /** The engine kind it speaks and its priority tier. */
  kind?: string;
  priority?: number;
  /** Routing figures (see BackendInstanceView): calls it is busy with, its cap, its measured speed. */
  inFlight?: number;
  maxConcurrent?: number;
  /** Calls it works on at once as capacity counts them (its cap, else its kind's decoder slots). */
  slots?: number;
  latencyEwmaMs?: number | null;
  rtfEwma?: number | null;
}

export interface ServiceHealth {
  service: ServiceName;
  /** up: every instance up; degraded: some; down: none. */
  status: InstanceStatus;
  instances: InstanceHealth[];
}

export interface Alert {
  id: string;
  level: AlertLevel;
  service: ServiceName;
  instance: string | null;
  message: string;
  time: string;
}

/** The monitor's state, for REST, WebSocket pushes, analytics and the dashboard. */
export interface HealthMonitor {
  services(): ServiceHealth[];
  alerts(limit?: number): Alert[];
}

export const HEALTH_MONITOR = Symbol('HEALTH_MONITOR');

declare module '@app/common' {
  interface DomainEventMap {
    'health.changed': { service: ServiceName; instance: InstanceHealth; previous: InstanceStatus };
    'health.alert': Alert;
  }
}
