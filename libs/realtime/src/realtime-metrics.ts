import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { METRIC, METRICS_REGISTRY } from '@app/common';
import { ConnectionRegistry } from './connection-registry';
import { CLIENT_EVENTS, SERVER_EVENT_NAMES, eventLabel } from './realtime.events';

export const REJECTION_REASONS = [
  'max_connections',
  'origin',
  'unauthorized',
  'rate_limited',
  'invalid_payload',
  'idle_timeout',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** The real-time metrics on the process registry; names in METRIC. */
@Injectable()
export class RealtimeMetrics {
  private readonly messages: Counter<'direction' | 'event'>;
  private readonly rejected: Counter<'reason'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry, connections: ConnectionRegistry) {
    new Gauge({
      name: METRIC.websocketConnections,
      help: 'Open Socket.IO connections on this instance',
      registers: [registry],
      collect() {
        this.set(connections.size);
      },
    });
    new Gauge({
      name: METRIC.websocketPeak,
      help: 'Most Socket.IO connections open at once on this instance since start',
      registers: [registry],
      collect() {
        this.set(connections.peakConnections);
      },
    });
    this.messages = new Counter({
      name: METRIC.websocketMessages,
      help: 'Socket.IO messages by direction (in, out) and protocol event (other for anything else)',
      labelNames: ['direction', 'event'],
      registers: [registry],
    });
    this.rejected = new Counter({
      name: METRIC.websocketRejected,
      help: 'Refused handshakes and messages, and connections closed for idleness, by reason',
      labelNames: ['reason'],
      registers: [registry],
    });
    // Every protocol event and reason starts at 0, so Prometheus' increase() sees the first of each.
    for (const event of [...CLIENT_EVENTS, 'other']) this.messages.inc({ direction: 'in', event }, 0);
    for (const event of SERVER_EVENT_NAMES) this.messages.inc({ direction: 'out', event }, 0);
    for (const reason of REJECTION_REASONS) this.rejected.inc({ reason }, 0);
  }

  incoming(event: string): void {
    this.messages.inc({ direction: 'in', event: eventLabel(event) });
  }

  outgoing(event: string, recipients = 1): void {
    if (recipients > 0) this.messages.inc({ direction: 'out', event: eventLabel(event) }, recipients);
  }

  rejection(reason: RejectionReason): void {
    this.rejected.inc({ reason });
  }
}
