import type { Participant, Session, SessionEntry, SessionSummary } from '../session.types';

/** Read from the live configuration on every call, so a changed TTL or bound applies at once. */
export interface SessionLimits {
  ttlSeconds: number;
  maxHistory: number;
}

/**
 * What a storage driver does; SessionService adds the events and checks on top. The drivers report whether
 * a call created the session, which only they can know atomically.
 */
export interface SessionStoreDriver {
  join(sessionId: string, participant: Participant): Promise<{ session: Session; created: boolean }>;
  /** Undefined when the session does not exist; otherwise how many participants are left. */
  leave(sessionId: string, connectionId: string): Promise<{ remaining: number } | undefined>;
  get(sessionId: string): Promise<Session | undefined>;
  list(): Promise<SessionSummary[]>;
  append(sessionId: string, entry: SessionEntry): Promise<{ created: boolean }>;
  delete(sessionId: string): Promise<boolean>;
  count(): Promise<number>;
}
