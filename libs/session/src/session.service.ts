import { HttpStatus } from '@nestjs/common';
import { ApiError, DomainEvents } from '@app/common';
import type { SessionStoreDriver } from './drivers/session-store-driver';
import {
  SESSION_ID_PATTERN,
  type Participant,
  type Session,
  type SessionEntry,
  type SessionStore,
  type SessionSummary,
} from './session.types';

/**
 * The SessionStore that modules get: checks ids, delegates to the configured driver and announces the
 * session's life (domain events and the activity log) in one place for both drivers.
 */
export class SessionService implements SessionStore {
  constructor(
    private readonly driver: SessionStoreDriver,
    private readonly events: DomainEvents,
  ) {}

  async join(sessionId: string, participant: Participant): Promise<Session> {
    checkId(sessionId);
    const { session, created } = await this.driver.join(sessionId, participant);
    if (created) this.announceCreated(sessionId, `joined by ${participant.connectionId}`);
    return session;
  }

  async leave(sessionId: string, connectionId: string): Promise<void> {
    checkId(sessionId);
    const left = await this.driver.leave(sessionId, connectionId);
    if (left?.remaining === 0) {
      this.events.activity('info', 'sessions', `Session ${sessionId} ended: its last participant left`, {
        session_id: sessionId,
      });
    }
  }

  get(sessionId: string): Promise<Session | undefined> {
    if (!SESSION_ID_PATTERN.test(sessionId)) return Promise.resolve(undefined);
    return this.driver.get(sessionId);
  }

  list(): Promise<SessionSummary[]> {
    return this.driver.list();
  }

  async append(sessionId: string, entry: SessionEntry): Promise<void> {
    checkId(sessionId);
    const { created } = await this.driver.append(sessionId, entry);
    if (created) this.announceCreated(sessionId, `by a ${entry.kind} entry`);
  }

  async delete(sessionId: string): Promise<boolean> {
    if (!SESSION_ID_PATTERN.test(sessionId)) return false;
    const existed = await this.driver.delete(sessionId);
    if (existed) {
      this.events.emit('session.deleted', { sessionId });
      this.events.activity('info', 'sessions', `Session ${sessionId} ended: deleted`, {
        session_id: sessionId,
      });
    }
    return existed;
  }

  count(): Promise<number> {
    return this.driver.count();
  }

  private announceCreated(sessionId: string, how: string): void {
    this.events.emit('session.created', { sessionId });
    this.events.activity('info', 'sessions', `Session ${sessionId} created ${how}`, {
      session_id: sessionId,
    });
  }
}

function checkId(sessionId: string): void {
  if (!SESSION_ID_PATTERN.test(sessionId)) {
    throw new ApiError(
      HttpStatus.BAD_REQUEST,
      'INVALID_SESSION_ID',
      'A session id is 1 to 128 letters, digits, dots, colons, underscores or hyphens',
      { session_id: sessionId },
    );
  }
}
