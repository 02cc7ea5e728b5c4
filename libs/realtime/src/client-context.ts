import type { Socket } from 'socket.io';
import type { ConnectionRecord } from './connection-registry';
import type {
  ClientToServerEvents,
  ServerEventName,
  ServerEventPayload,
  ServerToClientEvents,
} from './realtime.events';
import type { ResultEventName, ResultEvents, ResultTarget } from '@app/results';

export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** The connection a client event came from. Handlers may join and leave rooms with its socket. */
export interface ClientContext {
  socket: RealtimeSocket;
  connection: ConnectionRecord;
}

/** A result for a session and the sender, typed per event. */
export type ResultDelivery = {
  [E in ResultEventName]: { target: ResultTarget; event: E; payload: ResultEvents[E] };
}[ResultEventName];

/**
 * What a handler decided; the gateway carries it out. `reply` goes to the sender, `publish` to a session
 * and the sender (once), and `ack` answers the client's acknowledgement callback.
 */
export type EventOutcome<E extends ServerEventName = ServerEventName> =
  | { reply: { event: E; payload: ServerEventPayload<E> }; ack: unknown }
  | { publish: ResultDelivery; ack: unknown }
  | { ack: unknown };

export function reply<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): EventOutcome {
  return { reply: { event, payload }, ack: payload };
}

export type ClientEventHandler = (context: ClientContext, payload: unknown) => Promise<EventOutcome>;
