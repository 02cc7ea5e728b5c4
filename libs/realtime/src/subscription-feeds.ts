import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DomainEvents } from '@app/common';
import type {} from '@app/analytics';
import { ConfigStore, snakeCaseKeys } from '@app/config';
import { SESSION_STORE, type SessionStore } from '@app/session';
import { ConnectionRegistry } from './connection-registry';
import { connectionView, totalsView } from './connection-views';
import type { InstanceUpdatePayload } from './realtime.events';
import { topicRoom, type SubscriptionTopic } from './subscription-topics';
import { RealtimeGateway } from './realtime.gateway';

/** Connections listed in a connections_update; the full list is paged over REST. */
const CONNECTIONS_IN_UPDATE = 20;

/**
 * Pushes to subscribed clients: health changes, alerts and activity log entries as they happen, metrics and connection summaries
 * periodically and only while someone listens. Every instance pushes to its own subscribers (`local`), as each
 * runs its own monitor and knows its own connections.
 */
@Injectable()
export class SubscriptionFeeds implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly gateway: RealtimeGateway,
    private readonly registry: ConnectionRegistry,
    private readonly events: DomainEvents,
    private readonly config: ConfigStore,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe.push(
      this.events.on('health.changed', ({ service, instance, previous }) => {
        const payload: InstanceUpdatePayload = {
          ...snakeCaseKeys(instance),
          service,
          previous_status: previous,
        };
        this.push(service, 'service_update', payload);
        this.push('health', 'health_update', payload);
      }),
      this.events.on('health.alert', (alert) => {
        const rooms = [topicRoom('health'), topicRoom(alert.service)];
        this.gateway.emitToRooms(rooms, 'alert', snakeCaseKeys(alert), true);
      }),
      // Each instance keeps its own activity log, so each pushes its own entries to its own subscribers.
      this.events.on('activity.logged', (entry) => {
        if (this.gateway.hasLocalMembers(topicRoom('logs'))) {
          this.gateway.emitToRooms([topicRoom('logs')], 'activity', { ...entry }, true);
        }
      }),
    );
    this.schedule();
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
    for (const off of this.unsubscribe) off();
  }

  private push(
    topic: SubscriptionTopic,
    event: 'service_update' | 'health_update',
    payload: InstanceUpdatePayload,
  ): void {
    this.gateway.emitToRooms([topicRoom(topic)], event, payload, true);
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.tick()
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.config.current.websocket.updateInterval * 1000);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    if (this.gateway.hasLocalMembers(topicRoom('metrics'))) {
      const totals = totalsView(this.registry, now);
      this.gateway.emitToRooms(
        [topicRoom('metrics')],
        'metrics_update',
        {
          timestamp: new Date(now).toISOString(),
          connections: totals.current,
          peak_connections: totals.peak,
          messages_in_per_second: totals.messages_in_per_second,
          messages_out_per_second: totals.messages_out_per_second,
          messages_in_total: totals.messages_in,
          messages_out_total: totals.messages_out,
          sessions_active: await this.sessions.count(),
        },
        true,
      );
    }
    if (this.gateway.hasLocalMembers(topicRoom('connections'))) {
      this.gateway.emitToRooms(
        [topicRoom('connections')],
        'connections_update',
        {
          timestamp: new Date(now).toISOString(),
          ...totalsView(this.registry, now),
          connections: this.registry
            .page(1, CONNECTIONS_IN_UPDATE)
            .map((record) => connectionView(this.registry, record, now)),
        },
        true,
      );
    }
  }
}
