import { Inject, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server } from 'socket.io';
import { DomainEvents } from '@app/common';
import { BOOT_CONFIG, ConfigStore, type OrchestrationConfig } from '@app/config';
import { resultRooms, sessionRoom } from '@app/results';
import { clientAddress, trustFor, type TrustFunction } from './client-address';
import type { ClientContext, ClientEventHandler, EventOutcome, RealtimeSocket } from './client-context';
import { ConnectionRegistry } from './connection-registry';
import { RealtimeError, toWireError } from './realtime-error';
import { RealtimeMetrics } from './realtime-metrics';
import {
  CLIENT_EVENTS,
  PROTOCOL_VERSION,
  type Acknowledgement,
  type ClientEventName,
  type ClientToServerEvents,
  type ServerEventName,
  type ServerEventPayload,
  type ServerToClientEvents,
} from './realtime.events';
import { ServiceMessageHandlers, requestIdOf } from './service-message.handlers';
import { StreamHandlers } from './stream.handlers';
import { SubscriptionHandlers } from './subscription.handlers';

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents>;

/**
 * The Socket.IO endpoint, and the only holder of the Server: everything else emits through its methods.
 * Each connection gets one packet middleware that counts, rate-limits and dispatches its events; that is
 * lighter than a listener per event per connection, which matters at 10,000 connections.
 */
@WebSocketGateway()
export class RealtimeGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy, OnApplicationBootstrap
{
  @WebSocketServer() private server?: RealtimeServer;
  private readonly logger = new Logger('RealtimeGateway');
  private readonly trust: TrustFunction;
  /** Feature modules (live streams) add their events with `handle`; boot fails if one is left without. */
  private readonly router: Partial<Record<ClientEventName, ClientEventHandler>>;
  private idleTimer?: NodeJS.Timeout;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly metrics: RealtimeMetrics,
    private readonly config: ConfigStore,
    @Inject(BOOT_CONFIG) bootConfig: OrchestrationConfig,
    private readonly events: DomainEvents,
    subscriptions: SubscriptionHandlers,
    private readonly serviceMessages: ServiceMessageHandlers,
    streams: StreamHandlers,
  ) {
    this.trust = trustFor(bootConfig.frontend.trustedProxies);
    this.router = {
      subscribe: (context, payload) => subscriptions.subscribe(context, payload),
      unsubscribe: (context, payload) => subscriptions.unsubscribe(context, payload),
      service_message: (context, payload) => serviceMessages.handle(context, payload),
      transcription_stream: (context, payload) => streams.transcription(context, payload),
      speaker_stream: (context, payload) => streams.speakerStream(context, payload),
      translation_stream: (context, payload) => streams.translationStream(context, payload),
    };
  }

  /** Routes a client event to a feature module's handler (registered once, at module start). */
  handle(event: ClientEventName, handler: ClientEventHandler): void {
    if (this.router[event]) throw new Error(`The client event ${event} already has a handler`);
    this.router[event] = handler;
  }

  onApplicationBootstrap(): void {
    const missing = CLIENT_EVENTS.filter((event) => !this.router[event]);
    if (missing.length > 0) throw new Error(`Client events without a handler: ${missing.join(', ')}`);
  }

  afterInit(): void {
    this.scheduleIdleSweep();
    this.unsubscribe.push(this.events.on('session.deleted', ({ sessionId }) => this.endSession(sessionId)));
  }

  handleConnection(socket: RealtimeSocket): void {
    const websocket = this.config.current.websocket;
    const connection = this.registry.register(
      socket.id,
      clientAddress(socket.request, this.trust),
      socket.handshake.headers['user-agent'] ?? '',
      websocket.messageRateLimit,
    );
    const context: ClientContext = { socket, connection };
    // Never calls next(): this middleware is the dispatcher, so no per-event listeners are needed.
    socket.use((packet) => this.dispatch(context, packet));
    this.send(context, 'connected', {
      connection_id: socket.id,
      server_time: new Date().toISOString(),
      protocol_version: PROTOCOL_VERSION,
    });
  }

  handleDisconnect(socket: RealtimeSocket): void {
    const connection = this.registry.unregister(socket.id);
    this.events.emit('connection.closed', { connectionId: socket.id });
    if (!connection?.sessionId) return;
    this.serviceMessages.leaveCurrent({ socket, connection }).catch((error: Error) => {
      this.logger.warn(`Could not record that ${socket.id} left its session: ${error.message}`);
    });
  }

  /** Emits to the union of rooms (a socket in several gets it once); `local` skips other instances. */
  emitToRooms<E extends ServerEventName>(
    rooms: string[],
    event: E,
    payload: ServerEventPayload<E>,
    local = false,
  ): void {
    if (!this.server || rooms.length === 0) return;
    const recipients = this.localMembers(rooms);
    for (const id of recipients) {
      const connection = this.registry.get(id);
      if (connection) this.registry.countOutgoing(connection);
    }
    this.metrics.outgoing(event, recipients.size);
    const target = local ? this.server.local.to(rooms) : this.server.to(rooms);
    (target.emit as (event: E, payload: ServerEventPayload<E>) => boolean)(event, payload);
  }

  /** Whether any connection of this instance is in the room. */
  hasLocalMembers(room: string): boolean {
    return (this.server?.of('/').adapter.rooms.get(room)?.size ?? 0) > 0;
  }

  onModuleDestroy(): void {
    clearTimeout(this.idleTimer);
    for (const off of this.unsubscribe) off();
  }

  private dispatch(context: ClientContext, packet: unknown[]): void {
    const [event, ...args] = packet as [string, ...unknown[]];
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as Acknowledgement) : undefined;
    const payload = args[0];
    this.metrics.incoming(event);
    if (!this.registry.acceptMessage(context.connection, this.config.current.websocket.messageRateLimit)) {
      this.metrics.rejection('rate_limited');
      const limit = this.config.current.websocket.messageRateLimit;
      this.fail(
        context,
        event,
        payload,
        ack,
        new RealtimeError('RATE_LIMITED', `More than ${limit} messages per second`),
      );
      return;
    }
    // Own properties only: an event named `toString` or `constructor` must not reach Object.prototype.
    const handler = Object.hasOwn(this.router, event)
      ? (this.router as Record<string, ClientEventHandler>)[event]
      : undefined;
    if (!handler) {
      this.metrics.rejection('invalid_payload');
      this.fail(context, event, payload, ack, new RealtimeError('UNKNOWN_EVENT', `Unknown event ${event}`));
      return;
    }
    handler(context, payload).then(
      (outcome) => this.deliver(context, outcome, ack),
      (error: unknown) => {
        if (
          error instanceof RealtimeError &&
          ['INVALID_PAYLOAD', 'INVALID_AUDIO', 'PAYLOAD_TOO_LARGE', 'AUDIO_TOO_LONG'].includes(error.code)
        ) {
          this.metrics.rejection('invalid_payload');
        } else if (!(error instanceof RealtimeError)) {
          this.logger.warn(
            `${event} from ${context.connection.id} failed: ${(error as Error)?.message ?? String(error)}`,
          );
        }
        this.fail(context, event, payload, ack, error);
      },
    );
  }

  private deliver(context: ClientContext, outcome: EventOutcome, ack?: Acknowledgement): void {
    if ('reply' in outcome) {
      this.send(context, outcome.reply.event, outcome.reply.payload);
    } else if ('publish' in outcome) {
      const { target, event, payload } = outcome.publish;
      this.emitToRooms(resultRooms(target), event, payload);
    }
    this.acknowledge(context, ack, outcome.ack);
  }

  private fail(
    context: ClientContext,
    event: string,
    payload: unknown,
    ack: Acknowledgement | undefined,
    error: unknown,
  ): void {
    const wire = toWireError(error, event, requestIdOf(payload));
    this.send(context, 'error', wire);
    this.acknowledge(context, ack, { ok: false, error: wire });
  }

  private acknowledge(context: ClientContext, ack: Acknowledgement | undefined, body: unknown): void {
    if (!ack) return;
    this.registry.countOutgoing(context.connection);
    ack(body);
  }

  private send<E extends ServerEventName>(
    context: ClientContext,
    event: E,
    payload: ServerEventPayload<E>,
  ): void {
    this.registry.countOutgoing(context.connection);
    this.metrics.outgoing(event);
    (context.socket.emit as (event: E, payload: ServerEventPayload<E>) => boolean)(event, payload);
  }

  private localMembers(rooms: string[]): Set<string> {
    const all = new Set<string>();
    const adapterRooms = this.server?.of('/').adapter.rooms;
    for (const room of rooms) for (const id of adapterRooms?.get(room) ?? []) all.add(id);
    return all;
  }

  /**
   * Closes connections that sent nothing for the idle timeout. One sweep over the registry every quarter of
   * the timeout (at most every 5 s) costs less than a timer per connection and closes within 25% of it.
   */
  private scheduleIdleSweep(): void {
    const timeoutMs = this.config.current.websocket.connectionTimeout * 1000;
    const period = Math.min(5000, Math.max(250, timeoutMs / 4));
    this.idleTimer = setTimeout(() => {
      this.closeIdle(Date.now() - this.config.current.websocket.connectionTimeout * 1000);
      this.scheduleIdleSweep();
    }, period);
    this.idleTimer.unref();
  }

  private closeIdle(cutoff: number): void {
    const sockets = this.server?.of('/').sockets;
    for (const connection of this.registry.idleSince(cutoff)) {
      const socket = sockets?.get(connection.id);
      if (!socket) continue;
      this.metrics.rejection('idle_timeout');
      const timeout = this.config.current.websocket.connectionTimeout;
      this.send({ socket, connection }, 'error', {
        code: 'IDLE_TIMEOUT',
        message: `No message for ${timeout} s; the connection is closed`,
        event: 'connection',
      });
      socket.disconnect(true);
    }
  }

  /** A deleted session: its members (on every instance) are told and leave its room. */
  private endSession(sessionId: string): void {
    const room = sessionRoom(sessionId);
    for (const id of this.localMembers([room])) {
      const connection = this.registry.get(id);
      if (connection?.sessionId === sessionId) connection.sessionId = undefined;
    }
    this.emitToRooms([room], 'session_left', { session_id: sessionId });
    this.server?.in(room).socketsLeave(room);
  }
}
