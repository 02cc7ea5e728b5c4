import { Injectable } from '@nestjs/common';
import { sessionRoom, type ResultEventName, type ResultPublisher, type ResultTarget } from '@app/pipeline';
import type { WirePayload } from './realtime.events';
import { RealtimeGateway } from './realtime.gateway';

/**
 * RESULT_PUBLISHER in the orchestrator process: emits through the gateway's Server to the session's room and
 * the sending connection's own room together, so a sender that is also a member gets the result once. With
 * the Redis adapter the emit reaches members on every instance.
 */
@Injectable()
export class SocketResultPublisher implements ResultPublisher {
  constructor(private readonly gateway: RealtimeGateway) {}

  publish(target: ResultTarget, event: ResultEventName, payload: WirePayload): void {
    const rooms: string[] = [];
    if (target.sessionId) rooms.push(sessionRoom(target.sessionId));
    if (target.connectionId) rooms.push(target.connectionId);
    this.gateway.emitToRooms(rooms, event, payload);
  }
}

/** The Redis adapter's channel prefix; a worker's Socket.IO Redis emitter must use the same key. */
export function socketIoRedisKey(keyPrefix: string): string {
  return `${keyPrefix}socket.io`;
}
