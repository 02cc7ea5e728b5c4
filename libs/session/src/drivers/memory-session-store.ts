import type { Participant, Session, SessionEntry, SessionSummary } from '../session.types';
import type { SessionLimits, SessionStoreDriver } from './session-store-driver';

interface StoredSession {
  id: string;
  createdAt: string;
  lastActivity: string;
  lastActivityMs: number;
  participants: Map<string, Participant>;
  history: SessionEntry[];
}

/** How often creating a session also drops the expired ones nobody asked for again. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * One process's sessions. Expiry is lazy (checked on access and when listing), like Redis's own, so no
 * timer keeps the process busy; creating a session sweeps the expired ones at most once a minute, so sessions
 * that are never read again do not pile up. Returned sessions are copies: callers cannot change stored state.
 */
export class MemorySessionStore implements SessionStoreDriver {
  private readonly sessions = new Map<string, StoredSession>();
  private lastSweep = 0;

  constructor(
    private readonly limits: () => SessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  join(sessionId: string, participant: Participant): Promise<{ session: Session; created: boolean }> {
    const { stored, created } = this.touch(sessionId);
    stored.participants.set(participant.connectionId, { ...participant });
    return Promise.resolve({ session: snapshot(stored), created });
  }

  leave(sessionId: string, connectionId: string): Promise<{ remaining: number } | undefined> {
    const stored = this.live(sessionId);
    if (!stored) return Promise.resolve(undefined);
    stored.participants.delete(connectionId);
    this.touch(sessionId);
    return Promise.resolve({ remaining: stored.participants.size });
  }

  get(sessionId: string): Promise<Session | undefined> {
    const stored = this.live(sessionId);
    return Promise.resolve(stored ? snapshot(stored) : undefined);
  }

  list(): Promise<SessionSummary[]> {
    return Promise.resolve(
      this.liveSessions()
        .sort((a, b) => b.lastActivityMs - a.lastActivityMs)
        .map((stored) => ({
          id: stored.id,
          createdAt: stored.createdAt,
          lastActivity: stored.lastActivity,
          participantCount: stored.participants.size,
          entryCount: stored.history.length,
        })),
    );
  }

  append(sessionId: string, entry: SessionEntry): Promise<{ created: boolean }> {
    const { stored, created } = this.touch(sessionId);
    stored.history.push(structuredClone(entry));
    const excess = stored.history.length - this.limits().maxHistory;
    if (excess > 0) stored.history.splice(0, excess);
    return Promise.resolve({ created });
  }

  delete(sessionId: string): Promise<boolean> {
    const existed = this.live(sessionId) !== undefined;
    this.sessions.delete(sessionId);
    return Promise.resolve(existed);
  }

  count(): Promise<number> {
    return Promise.resolve(this.liveSessions().length);
  }

  /** Sessions held in memory, expired ones not yet dropped included. */
  get heldSessions(): number {
    return this.sessions.size;
  }

  /** Creates the session if needed and marks activity. */
  private touch(sessionId: string): { stored: StoredSession; created: boolean } {
    const nowMs = this.now();
    const at = new Date(nowMs).toISOString();
    const existing = this.live(sessionId);
    if (existing) {
      existing.lastActivity = at;
      existing.lastActivityMs = nowMs;
      return { stored: existing, created: false };
    }
    if (nowMs - this.lastSweep >= SWEEP_INTERVAL_MS) {
      this.lastSweep = nowMs;
      this.liveSessions();
    }
    const stored: StoredSession = {
      id: sessionId,
      createdAt: at,
      lastActivity: at,
      lastActivityMs: nowMs,
      participants: new Map(),
      history: [],
    };
    this.sessions.set(sessionId, stored);
    return { stored, created: true };
  }

  private live(sessionId: string): StoredSession | undefined {
    const stored = this.sessions.get(sessionId);
    if (stored && this.expired(stored)) {
      this.sessions.delete(sessionId);
      return undefined;
    }
    return stored;
  }

  private liveSessions(): StoredSession[] {
    return [...this.sessions.keys()]
      .map((id) => this.live(id))
      .filter((s): s is StoredSession => s !== undefined);
  }

  private expired(stored: StoredSession): boolean {
    return this.now() - stored.lastActivityMs >= this.limits().ttlSeconds * 1000;
  }
}

function snapshot(stored: StoredSession): Session {
  return {
    id: stored.id,
    createdAt: stored.createdAt,
    lastActivity: stored.lastActivity,
    participants: [...stored.participants.values()].map((p) => ({ ...p })),
    history: structuredClone(stored.history),
  };
}
