import type { ActivityLevel } from '@app/common';

/** One stored activity log entry: the `activity` event plus the identity and time the log gave it. */
export interface ActivityLogEntry {
  /** Increasing within the process, so a client can ask for or dedupe what it has not seen yet. */
  id: number;
  time: string;
  level: ActivityLevel;
  source: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface ActivityQuery {
  /** Minimum severity: `warning` returns warning, error and critical. */
  level?: ActivityLevel;
  source?: string;
  limit?: number;
}

/** The activity log, for the real-time module and the dashboard. */
export interface ActivityLogReader {
  /** Newest first. */
  query(query?: ActivityQuery): ActivityLogEntry[];
}

export const ACTIVITY_LOG = Symbol('ACTIVITY_LOG');

/** One point of the trend series: rates over the interval that ends at `time`, gauges at `time`. */
export interface TrendPoint {
  time: string;
  intervalSeconds: number;
  httpRequestsPerSecond: number;
  gatewayRequestsPerSecond: number;
  gatewayFailuresPerSecond: number;
  websocketMessagesPerSecond: number;
  pipelineJobsPerSecond: number;
  /** Over the interval, from the HTTP duration histogram; null when no request finished. */
  httpP95Ms: number | null;
  websocketConnections: number;
  sessionsActive: number;
}

declare module '@app/common' {
  interface DomainEventMap {
    /** A new activity log entry, to push to live subscribers. */
    'activity.logged': ActivityLogEntry;
    /** A new trend point, every `metrics.sample_interval` seconds while instrumentation is on. */
    'metrics.sampled': TrendPoint;
  }
}
