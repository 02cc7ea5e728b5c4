import type { SpeakerSegment, TranscriptSegment } from '@app/engines';

export interface Participant {
  connectionId: string;
  joinedAt: string;
  ip?: string;
  userAgent?: string;
}

/** One history entry; the export formats and `session_joined` history are built from these. */
export type SessionEntry =
  | {
      kind: 'transcript';
      chunkId: string;
      at: string;
      text: string;
      language: string;
      confidence: number;
      segments: TranscriptSegment[];
      /** Seconds from the session's start at which this chunk's audio begins. */
      offset: number;
      backend: string;
    }
  | {
      kind: 'translation';
      chunkId: string;
      at: string;
      text: string;
      translatedText: string;
      sourceLanguage: string;
      targetLanguage: string;
      confidence: number;
      offset: number;
      /** Seconds; the transcript chunk's span, so translations can be exported with timing. */
      duration?: number;
      backend: string;
    }
  | { kind: 'speakers'; chunkId: string; at: string; segments: SpeakerSegment[]; offset: number };

export interface Session {
  id: string;
  createdAt: string;
  lastActivity: string;
  participants: Participant[];
  /** Oldest first, bounded by `sessions.max_history`. */
  history: SessionEntry[];
}

export interface SessionSummary {
  id: string;
  createdAt: string;
  lastActivity: string;
  participantCount: number;
  entryCount: number;
}

/** Sessions with participants and bounded history; memory driver by default, Redis with REDIS_URL. */
export interface SessionStore {
  /** Creates the session on first join. */
  join(sessionId: string, participant: Participant): Promise<Session>;
  leave(sessionId: string, connectionId: string): Promise<void>;
  get(sessionId: string): Promise<Session | undefined>;
  list(): Promise<SessionSummary[]>;
  /** Appends and trims to the bound; creates the session if needed (a REST pipeline job may be first). */
  append(sessionId: string, entry: SessionEntry): Promise<void>;
  delete(sessionId: string): Promise<boolean>;
  /** Sessions that have not expired; cheap enough for a metrics gauge. */
  count(): Promise<number>;
}

/** Session ids on the wire and in REST paths: short printable tokens, safe as Redis key parts. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export const SESSION_STORE = Symbol('SESSION_STORE');

declare module '@app/common' {
  interface DomainEventMap {
    'session.created': { sessionId: string };
    'session.deleted': { sessionId: string };
  }
}
