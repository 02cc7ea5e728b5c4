import type { TrendPoint } from '../analytics.types';
import { bucketDelta, histogramQuantile, type Bucket } from './metric-families';

/** Cumulative counters and current gauges read from the registry at one moment. */
export interface Reading {
  /** Milliseconds since the epoch. */
  time: number;
  httpRequests: number;
  httpDuration: Bucket[];
  gatewayRequests: number;
  gatewayFailures: number;
  websocketMessages: number;
  pipelineJobs: number;
  websocketConnections: number;
  sessionsActive: number;
}

export interface Rates {
  windowSeconds: number;
  httpRequestsPerSecond: number;
  gatewayRequestsPerSecond: number;
  websocketMessagesPerSecond: number;
  pipelineJobsPerSecond: number;
}

/** Prometheus' rule for counters: going down means the counter restarted from zero. */
function increase(later: number, earlier: number): number {
  return later >= earlier ? later - earlier : later;
}

function perSecond(later: number, earlier: number, seconds: number): number {
  return seconds > 0 ? round(increase(later, earlier) / seconds) : 0;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * A fixed-size ring of readings taken at a fixed interval: `capacity` readings cover the history window.
 * Points (rates per interval) are derived from neighbouring readings when asked, so a reading is stored once
 * and nothing is computed for history nobody looks at.
 */
export class TrendSeries {
  private readonly ring: (Reading | undefined)[];
  private written = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError('capacity must be an integer >= 2');
    this.ring = new Array<Reading | undefined>(capacity);
  }

  add(reading: Reading): void {
    this.ring[this.written % this.capacity] = reading;
    this.written++;
  }

  /** Oldest first. */
  readings(): Reading[] {
    const count = Math.min(this.written, this.capacity);
    const result: Reading[] = [];
    for (let i = this.written - count; i < this.written; i++) result.push(this.ring[i % this.capacity]!);
    return result;
  }

  latest(): Reading | undefined {
    return this.written > 0 ? this.ring[(this.written - 1) % this.capacity] : undefined;
  }

  /** One point per pair of neighbouring readings, oldest first: at most capacity - 1 points. */
  points(): TrendPoint[] {
    const readings = this.readings();
    return readings.slice(1).map((reading, index) => pointBetween(readings[index], reading));
  }

  /**
   * Rates from the oldest stored reading inside the window up to `now` (a fresh reading), so the figure moves
   * with the current second rather than waiting for the next sample. Zero until a reading exists.
   */
  rates(now: Reading, windowSeconds: number): Rates {
    const since = now.time - windowSeconds * 1000;
    const base = this.readings().find((reading) => reading.time >= since && reading.time < now.time);
    const seconds = base ? (now.time - base.time) / 1000 : 0;
    const from = base ?? now;
    return {
      windowSeconds: round(seconds),
      httpRequestsPerSecond: perSecond(now.httpRequests, from.httpRequests, seconds),
      gatewayRequestsPerSecond: perSecond(now.gatewayRequests, from.gatewayRequests, seconds),
      websocketMessagesPerSecond: perSecond(now.websocketMessages, from.websocketMessages, seconds),
      pipelineJobsPerSecond: perSecond(now.pipelineJobs, from.pipelineJobs, seconds),
    };
  }
}

export function pointBetween(earlier: Reading, later: Reading): TrendPoint {
  const seconds = (later.time - earlier.time) / 1000;
  const p95 = histogramQuantile(0.95, bucketDelta(later.httpDuration, earlier.httpDuration));
  return {
    time: new Date(later.time).toISOString(),
    intervalSeconds: round(seconds),
    httpRequestsPerSecond: perSecond(later.httpRequests, earlier.httpRequests, seconds),
    gatewayRequestsPerSecond: perSecond(later.gatewayRequests, earlier.gatewayRequests, seconds),
    gatewayFailuresPerSecond: perSecond(later.gatewayFailures, earlier.gatewayFailures, seconds),
    websocketMessagesPerSecond: perSecond(later.websocketMessages, earlier.websocketMessages, seconds),
    pipelineJobsPerSecond: perSecond(later.pipelineJobs, earlier.pipelineJobs, seconds),
    httpP95Ms: p95 === null ? null : round(p95 * 1000),
    websocketConnections: later.websocketConnections,
    sessionsActive: later.sessionsActive,
  };
}
