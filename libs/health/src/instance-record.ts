import type { ProbeState } from './engine-health-endpoints';
import type { InstanceStatus } from './health.types';
import { UptimeWindow } from './uptime-window';

/** What one check found, as the monitor records it. */
export interface CheckOutcome {
  state: ProbeState;
  responseTimeMs: number | null;
  error: string | null;
}

/** The monitor's memory of one backend instance between checks. */
export class InstanceRecord {
  status: InstanceStatus = 'unknown';
  responseTimeMs: number | null = null;
  lastCheck: number | null = null;
  lastChange: number | null = null;
  consecutiveFailures = 0;
  lastError: string | null = null;
  /** When the current outage began; null while the instance serves. */
  downSince: number | null = null;
  /** A probe is running: the next tick skips this instance rather than stacking a second probe. */
  inFlight = false;
  readonly uptime = new UptimeWindow();

  /** `url` identifies the instance along with its id: a config change that reuses an id starts afresh. */
  constructor(readonly url: string) {}

  /** Records a check made at `at`; returns the status it had before. */
  apply(outcome: CheckOutcome, at: number, uptimeWindowMs: number): InstanceStatus {
    const previous = this.status;
    this.status = outcome.state;
    this.responseTimeMs = outcome.responseTimeMs;
    this.lastCheck = at;
    if (outcome.error !== null) this.lastError = outcome.error;
    this.consecutiveFailures = outcome.state === 'down' ? this.consecutiveFailures + 1 : 0;
    if (previous !== outcome.state) this.lastChange = at;
    if (outcome.state === 'down') this.downSince ??= at;
    else this.downSince = null;
    this.uptime.record(at, outcome.state !== 'down', uptimeWindowMs);
    return previous;
  }
}
