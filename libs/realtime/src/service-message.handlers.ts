import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { snakeCaseKeys } from '@app/config';
import { sessionRoom } from '@app/results';
import { SESSION_STORE, type SessionStore } from '@app/session';
import { reply, type ClientContext, type EventOutcome } from './client-context';
import {
  JoinSessionDto,
  LeaveSessionDto,
  ServiceMessageTypeDto,
  ServiceRequestDto,
} from './dto/service-message.dto';
import { isPlainObject, validatePayload } from './payload-validation';
import { RealtimeError } from './realtime-error';
import { ServiceRequests } from './service-requests';

/** `service_message`: heartbeats, service requests and session membership, told apart by `type`. */
@Injectable()
export class ServiceMessageHandlers {
  constructor(
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    private readonly requests: ServiceRequests,
  ) {}

  async handle(context: ClientContext, payload: unknown): Promise<EventOutcome> {
    const { type } = validatePayload(ServiceMessageTypeDto, payload);
    switch (type) {
      case 'heartbeat':
        // Nothing beyond `type` to check: the hottest message of all costs one validation, not two.
        return reply('heartbeat_ack', { timestamp: new Date().toISOString() });
      case 'service_request':
        return this.serviceRequest(validatePayload(ServiceRequestDto, payload));
      case 'join_session':
        return this.join(context, validatePayload(JoinSessionDto, payload).session_id);
      case 'leave_session':
        return this.leave(context, validatePayload(LeaveSessionDto, payload).session_id);
    }
  }

  /** Leaves the connection's session, if any; also used when it disconnects. */
  async leaveCurrent({ socket, connection }: ClientContext): Promise<string | undefined> {
    const sessionId = connection.sessionId;
    if (!sessionId) return undefined;
    connection.sessionId = undefined;
    await socket.leave(sessionRoom(sessionId));
    await this.sessions.leave(sessionId, connection.id);
    return sessionId;
  }

  private async serviceRequest(request: ServiceRequestDto): Promise<EventOutcome> {
    const data = await this.requests.answer(request);
    return reply('service_response', {
      request_id: request.request_id ?? randomUUID(),
      target_service: request.target_service,
      action: request.action,
      data,
    });
  }

  private async join(context: ClientContext, sessionId: string): Promise<EventOutcome> {
    const { socket, connection } = context;
    if (connection.sessionId && connection.sessionId !== sessionId) await this.leaveCurrent(context);
    const session = await this.sessions.join(sessionId, {
      connectionId: connection.id,
      joinedAt: new Date().toISOString(),
      ip: connection.ip,
      userAgent: connection.userAgent,
    });
    await socket.join(sessionRoom(sessionId));
    connection.sessionId = sessionId;
    return reply('session_joined', {
      session_id: sessionId,
      participants: snakeCaseKeys(session.participants),
      history: snakeCaseKeys(session.history),
    });
  }

  private async leave(context: ClientContext, requested?: string): Promise<EventOutcome> {
    const current = context.connection.sessionId;
    if (!current || (requested !== undefined && requested !== current)) {
      throw new RealtimeError(
        'NOT_IN_SESSION',
        requested ? `Not in session ${requested}` : 'Not in a session',
      );
    }
    await this.leaveCurrent(context);
    return reply('session_left', { session_id: current });
  }
}

/** The request id a failed event answers, if its payload named one. */
export function requestIdOf(payload: unknown): string | undefined {
  if (!isPlainObject(payload)) return undefined;
  const id = payload.request_id ?? payload.chunk_id;
  return typeof id === 'string' && id.length <= 128 ? id : undefined;
}
