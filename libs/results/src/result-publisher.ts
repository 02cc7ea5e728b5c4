import type { ResultEventName, ResultEvents } from './result-events';

/** Who gets a result: the session's members and the connection that sent the work. */
export interface ResultTarget {
  sessionId?: string;
  connectionId?: string;
}

/**
 * Delivers results to a session's room (and the sending connection). In the orchestrator process it emits
 * through the Socket.IO server; in a separate worker through the Socket.IO Redis emitter.
 */
export interface ResultPublisher {
  publish<E extends ResultEventName>(target: ResultTarget, event: E, payload: ResultEvents[E]): void;
}

export const RESULT_PUBLISHER = Symbol('RESULT_PUBLISHER');

/** The Socket.IO room of a session. */
export function sessionRoom(sessionId: string): string {
  return `session:${sessionId}`;
}

/**
 * The rooms a result goes to: the session's and the sender's own (every socket is in a room named by its
 * id). Emitted to together, so a sender that is also a member gets the result once.
 */
export function resultRooms(target: ResultTarget): string[] {
  const rooms: string[] = [];
  if (target.sessionId) rooms.push(sessionRoom(target.sessionId));
  if (target.connectionId) rooms.push(target.connectionId);
  return rooms;
}

/** The Redis adapter's channel prefix; a worker's Socket.IO Redis emitter must use the same key. */
export function socketIoRedisKey(keyPrefix: string): string {
  return `${keyPrefix}socket.io`;
}
