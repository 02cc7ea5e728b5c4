/**
 * The Socket.IO protocol (CONTRACTS.md §3) as types: event name → payload, for both directions. The
 * gateway's Server and every emit are typed by these maps, so a misspelled event or field does not compile.
 */

export const PROTOCOL_VERSION = '1.0';

export const SUBSCRIPTION_TOPICS = [
  'whisper',
  'speaker',
  'translation',
  'health',
  'metrics',
  'connections',
  'logs',
] as const;
export type SubscriptionTopic = (typeof SUBSCRIPTION_TOPICS)[number];

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
] as const;
export type ClientEventName = (typeof CLIENT_EVENTS)[number];

/** `{ ok: false, error }` is what an acknowledgement callback gets when the event failed. */
export interface WireError {
  code: string;
  message: string;
  /** The client event that failed. */
  event: string;
  request_id?: string;
  [detail: string]: unknown;
}

export type WirePayload = Record<string, unknown>;
export type Acknowledgement = (reply: unknown) => void;

export interface ServerToClientEvents {
  connected: (payload: { connection_id: string; server_time: string; protocol_version: string }) => void;
  subscribed: (payload: { service: SubscriptionTopic }) => void;
  unsubscribed: (payload: { service: SubscriptionTopic }) => void;
  heartbeat_ack: (payload: { timestamp: string }) => void;
  service_response: (payload: {
    request_id: string;
    target_service: string;
    action: string;
    data: unknown;
  }) => void;
  session_joined: (payload: { session_id: string; participants: unknown[]; history: unknown[] }) => void;
  session_left: (payload: { session_id: string }) => void;
  transcription_result: (payload: WirePayload) => void;
  translation_result: (payload: WirePayload) => void;
  speaker_result: (payload: WirePayload) => void;
  service_update: (payload: WirePayload) => void;
  health_update: (payload: WirePayload) => void;
  alert: (payload: WirePayload) => void;
  metrics_update: (payload: WirePayload) => void;
  connections_update: (payload: WirePayload) => void;
  activity: (payload: WirePayload) => void;
  error: (payload: WireError) => void;
}

export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** Client events carry one payload and an optional acknowledgement; they are validated before use. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: unknown, ack?: Acknowledgement) => void;
};

/** The room that receives a topic's pushes. */
export function topicRoom(topic: SubscriptionTopic): string {
  return `topic:${topic}`;
}

/** Label values of the messages counter: the protocol's event names, anything else counted as 'other'. */
const KNOWN_EVENTS: ReadonlySet<string> = new Set<string>([
  ...CLIENT_EVENTS,
  'connected',
  'subscribed',
  'unsubscribed',
  'heartbeat_ack',
  'service_response',
  'session_joined',
  'session_left',
  'transcription_result',
  'translation_result',
  'speaker_result',
  'service_update',
  'health_update',
  'alert',
  'metrics_update',
  'connections_update',
  'error',
]);

export function eventLabel(event: string): string {
  return KNOWN_EVENTS.has(event) ? event : 'other';
}
