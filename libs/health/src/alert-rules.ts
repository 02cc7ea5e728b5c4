import type { ServiceName } from '@app/config';
import type { AlertLevel, InstanceStatus } from './health.types';
import { isServing } from './service-status';

/** An alert before it gets its id and time. */
export interface AlertDraft {
  level: AlertLevel;
  service: ServiceName;
  instance: string | null;
  message: string;
}

/** One instance's status change, with what the rules need to word the alert. */
export interface InstanceTransition {
  service: ServiceName;
  instanceId: string;
  url: string;
  previous: InstanceStatus;
  current: InstanceStatus;
  error: string | null;
  /** How long it was down, when it comes back. */
  downForMs: number | null;
}

export interface AlertDecision {
  alerts: AlertDraft[];
  /** Whether the service is now in the critical state (no healthy instance). */
  critical: boolean;
}

/**
 * The alerting rules. `warning` when an instance starts failing (including on its first check, so an
 * outage present at boot is reported); `critical` when every instance of the service is down; `recovered`
 * when the service has a healthy instance again, or, while the service stayed available, when one
 * instance comes back. One transition that ends a critical outage gives a single `recovered`, not two.
 * `serviceStatuses` are the statuses of all the service's instances after the transition.
 */
export function decideAlerts(
  transition: InstanceTransition,
  serviceStatuses: readonly InstanceStatus[],
  wasCritical: boolean,
): AlertDecision {
  const { service, instanceId, url } = transition;
  const alerts: AlertDraft[] = [];
  const startedFailing = transition.current === 'down' && transition.previous !== 'down';
  const cameBack = transition.previous === 'down' && isServing(transition.current);
  if (startedFailing) {
    alerts.push({
      level: 'warning',
      service,
      instance: instanceId,
      message: `${service} instance ${instanceId} (${url}) is down: ${transition.error ?? 'unknown error'}`,
    });
  }

  const allDown = serviceStatuses.length > 0 && serviceStatuses.every((status) => status === 'down');
  const anyServing = serviceStatuses.some(isServing);
  let critical = wasCritical;
  if (!wasCritical && allDown) {
    critical = true;
    alerts.push({
      level: 'critical',
      service,
      instance: null,
      message: `${service} has no healthy instance: all ${serviceStatuses.length} down`,
    });
  } else if (wasCritical && anyServing) {
    critical = false;
    alerts.push({
      level: 'recovered',
      service,
      instance: cameBack ? instanceId : null,
      message: `${service} is available again${cameBack ? `: ${instanceId} is ${transition.current}${downtime(transition)}` : ''}`,
    });
  } else if (cameBack) {
    alerts.push({
      level: 'recovered',
      service,
      instance: instanceId,
      message: `${service} instance ${instanceId} is ${transition.current} again${downtime(transition)}`,
    });
  }
  return { alerts, critical };
}

function downtime(transition: InstanceTransition): string {
  return transition.downForMs === null ? '' : ` after ${Math.round(transition.downForMs / 1000)} s down`;
}
