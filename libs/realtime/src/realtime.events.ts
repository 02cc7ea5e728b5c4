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
  'stream_start',
  'stream_audio',
  'stream_stop',
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

/** CONTRACTS §3a: a live stream's payloads. Times are ms from the stream's first sample. */
export interface StreamStartedPayload {
  stream_id: string;
  session_id: string | null;
  resume_from_ms: number;
}
export interface StreamStoppedPayload {
  stream_id: string;
  audio_ms: number;
  finals: number;
}
export interface TranscriptInterimPayload {
  stream_id: string;
  utterance_id: string;
  text: string;
  stable_text: string;
  start_ms: number;
  end_ms: number;
}
export interface TranscriptFinalPayload {
  stream_id: string;
  utterance_id: string;
  text: string;
  words?: { word: string; start_ms: number; end_ms: number }[];
  start_ms: number;
  end_ms: number;
  language: string;
  confidence: number;
  backend: string;
}
export interface TranslationFinalPayload {
  stream_id: string;
  utterance_id: string;
  target_lang: string;
  text: string;
  translated_text: string;
  confidence: number;
  backend: string;
}
export const STREAM_STATES = ['active', 'degraded', 'detached', 'stopping'] as const;
export type StreamState = (typeof STREAM_STATES)[number];
export interface StreamStatusPayload {
  stream_id: string;
  received_ms: number;
  final_ms: number;
  lag_ms: number;
  rtf: number;
  gaps_ms: number;
  shed_interim: number;
  state: StreamState;
}

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
  stream_started: (payload: StreamStartedPayload) => void;
  stream_stopped: (payload: StreamStoppedPayload) => void;
  transcript_interim: (payload: TranscriptInterimPayload) => void;
  transcript_final: (payload: TranscriptFinalPayload) => void;
  translation_final: (payload: TranslationFinalPayload) => void;
  stream_status: (payload: StreamStatusPayload) => void;
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
  'stream_started',
  'stream_stopped',
  'transcript_interim',
  'transcript_final',
  'translation_final',
  'stream_status',
  'error',
]);

export function eventLabel(event: string): string {
  return KNOWN_EVENTS.has(event) ? event : 'other';
}

declare module '@app/common' {
  interface DomainEventMap {
    /** A Socket.IO connection of this instance closed (live streams keep theirs for a resume). */
    'connection.closed': { connectionId: string };
  }
}
