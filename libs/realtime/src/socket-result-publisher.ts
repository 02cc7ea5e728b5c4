import { Injectable } from '@nestjs/common';
import {
  resultRooms,
  type ResultEventName,
  type ResultEvents,
  type ResultPublisher,
  type ResultTarget,
} from '@app/results';
import type { ServerEventPayload } from './realtime.events';
import { RealtimeGateway } from './realtime.gateway';

/**
 * RESULT_PUBLISHER in the orchestrator process: emits through the gateway's Server to the session's room and
 * the sending connection's own room together, so a sender that is also a member gets the result once. With
 * the Redis adapter the emit reaches members on every instance.
 */
@Injectable()
export class SocketResultPublisher implements ResultPublisher {
  constructor(private readonly gateway: RealtimeGateway) {}

  publish<E extends ResultEventName>(target: ResultTarget, event: E, payload: ResultEvents[E]): void {
    // ServerEventPayloads extends ResultEvents, so these are the same type; the compiler cannot see it for a generic E.
    this.gateway.emitToRooms(resultRooms(target), event, payload as ServerEventPayload<E>);
  }
}
