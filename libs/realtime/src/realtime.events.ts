import type { ActivityLogEntry } from '@app/analytics';
import type { ServiceName, SnakeCased } from '@app/config';
import type { Alert, InstanceHealth, InstanceStatus } from '@app/health';
import { RESULT_EVENT_NAMES, type ResultEvents } from '@app/results';
import type { Participant, SessionEntry } from '@app/session';
import type { ConnectionView, TotalsView } from './connection-views';
import type { SubscriptionTopic } from './subscription-topics';

/**
 * The Socket.IO protocol (CONTRACTS.md §3) as types: event name → payload, for both directions. The
 * gateway's Server and every emit are typed by these maps, so a misspelled event or field does not compile.
 */

export const PROTOCOL_VERSION = '1.0';

export { SUBSCRIPTION_TOPICS, type SubscriptionTopic } from './subscription-topics';

export const SERVICE_MESSAGE_TYPES = [
  'heartbeat',
  'service_request',
  'join_session',
  'leave_session',
] as const;
export type ServiceMessageType = (typeof SERVICE_MESSAGE_TYPES)[number];

export const CLIENT_EVENTS = [
  'subscribe',
  'unsubscribe',
  'service_message',
  'transcription_stream',
  'speaker_stream',
  'translation_stream',
  'stream_start',
  'stream_audio',
  'stream_stop',
] as const;
export type ClientEventName = (typeof CLIENT_EVENTS)[number];

export type Acknowledgement = (reply: unknown) => void;

export interface ConnectedPayload {
  connection_id: string;
  server_time: string;
  protocol_version: string;
}

/** `service_update` (to the service's topic) and `health_update` (to `health`): one instance changed. */
export type InstanceUpdatePayload = SnakeCased<InstanceHealth> & {
  service: ServiceName;
  previous_status: InstanceStatus;
};

export interface MetricsUpdatePayload {
  timestamp: string;
  connections: number;
  peak_connections: number;
  messages_in_per_second: number;
  messages_out_per_second: number;
  messages_in_total: number;
  messages_out_total: number;
  sessions_active: number;
}

export type ConnectionsUpdatePayload = { timestamp: string } & TotalsView & {
    connections: ConnectionView[];
  };

/** Events only this gateway sends: replies, subscription pushes, session membership. */
export interface ProtocolEvents {
  connected: ConnectedPayload;
  subscribed: { service: SubscriptionTopic };
  unsubscribed: { service: SubscriptionTopic };
  heartbeat_ack: { timestamp: string };
  service_response: { request_id: string; target_service: string; action: string; data: unknown };
  session_joined: {
    session_id: string;
    participants: SnakeCased<Participant>[];
    history: SnakeCased<SessionEntry>[];
  };
  session_left: { session_id: string };
  service_update: InstanceUpdatePayload;
  health_update: InstanceUpdatePayload;
  alert: SnakeCased<Alert>;
  metrics_update: MetricsUpdatePayload;
  connections_update: ConnectionsUpdatePayload;
  activity: ActivityLogEntry;
}

/** Event name → payload of everything the server sends; the results come from `@app/results`. */
export interface ServerEventPayloads extends ProtocolEvents, ResultEvents {}

export type ServerEventName = keyof ServerEventPayloads;
export type ServerEventPayload<E extends ServerEventName> = ServerEventPayloads[E];
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerEventPayload<E>) => void;
};

/** Every server event name at run time, from the typed maps; the compiler refuses a missing one. */
export const SERVER_EVENT_NAMES = Object.keys({
  ...({
    connected: true,
    subscribed: true,
    unsubscribed: true,
    heartbeat_ack: true,
    service_response: true,
    session_joined: true,
    session_left: true,
    service_update: true,
    health_update: true,
    alert: true,
    metrics_update: true,
    connections_update: true,
    activity: true,
  } as const satisfies Record<keyof ProtocolEvents, true>),
  ...RESULT_EVENT_NAMES,
} satisfies Record<ServerEventName, true>) as ServerEventName[];

/** Client events carry one payload and an optional acknowledgement; they are validated before use. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: unknown, ack?: Acknowledgement) => void;
};

/** Label values of the messages counter: the protocol's event names, anything else counted as 'other'. */
const KNOWN_EVENTS: ReadonlySet<string> = new Set<string>([...CLIENT_EVENTS, ...SERVER_EVENT_NAMES]);

export function eventLabel(event: string): string {
  return KNOWN_EVENTS.has(event) ? event : 'other';
}

declare module '@app/common' {
  interface DomainEventMap {
    /** A Socket.IO connection of this instance closed (live streams keep theirs for a resume). */
    'connection.closed': { connectionId: string };
  }
}
