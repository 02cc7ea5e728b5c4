import type { Redis } from 'ioredis';
import type { Participant, Session, SessionEntry, SessionSummary } from '../session.types';
import { APPEND_SCRIPT, DELETE_SCRIPT, JOIN_SCRIPT, LEAVE_SCRIPT } from './redis-session-scripts';
import type { SessionLimits, SessionStoreDriver } from './session-store-driver';

/**
 * Sessions in Redis, shared by every orchestrator instance and worker. Each session is three keys with the
 * session TTL, renewed on activity; an index sorted set scored by last activity lists them, and entries
 * whose score is older than the TTL are pruned from it when listing or counting.
 */
export class RedisSessionStore implements SessionStoreDriver {
  constructor(
    private readonly redis: Redis,
    /** e.g. `lt:session:`; the index key is `<prefix>index`. */
    private readonly prefix: string,
    private readonly limits: () => SessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async join(sessionId: string, participant: Participant): Promise<{ session: Session; created: boolean }> {
    const created = await this.run(JOIN_SCRIPT, sessionId, [
      participant.connectionId,
      JSON.stringify(participant),
    ]);
    const session = await this.get(sessionId);
    if (!session) throw new Error(`Session ${sessionId} vanished right after it was joined`);
    return { session, created: created === 1 };
  }

  async leave(sessionId: string, connectionId: string): Promise<{ remaining: number } | undefined> {
    const remaining = await this.run(LEAVE_SCRIPT, sessionId, [connectionId]);
    return remaining < 0 ? undefined : { remaining };
  }

  async get(sessionId: string): Promise<Session | undefined> {
    const keys = this.keys(sessionId);
    const results = await this.redis
      .multi()
      .hgetall(keys.meta)
      .hgetall(keys.participants)
      .lrange(keys.history, 0, -1)
      .exec();
    if (!results) return undefined;
    const [meta, participants, history] = results.map(([error, value]) => {
      if (error) throw error;
      return value;
    }) as [Record<string, string>, Record<string, string>, string[]];
    if (!meta.createdAt || this.expired(meta.lastActivity ?? meta.createdAt)) return undefined;
    return {
      id: sessionId,
      createdAt: meta.createdAt,
      lastActivity: meta.lastActivity ?? meta.createdAt,
      participants: Object.values(participants).map((json) => JSON.parse(json) as Participant),
      history: history.map((json) => JSON.parse(json) as SessionEntry),
    };
  }

  async list(): Promise<SessionSummary[]> {
    const ids = await this.liveIds();
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) {
      const keys = this.keys(id);
      pipeline.hgetall(keys.meta).hlen(keys.participants).llen(keys.history);
    }
    const results = (await pipeline.exec()) ?? [];
    const summaries: SessionSummary[] = [];
    ids.forEach((id, index) => {
      const [[, meta], [, participantCount], [, entryCount]] = results.slice(index * 3, index * 3 + 3) as [
        [Error | null, Record<string, string>],
        [Error | null, number],
        [Error | null, number],
      ];
      // The keys may have expired between the index read and now.
      if (!meta?.createdAt) return;
      summaries.push({
        id,
        createdAt: meta.createdAt,
        lastActivity: meta.lastActivity ?? meta.createdAt,
        participantCount,
        entryCount,
      });
    });
    return summaries;
  }

  async append(sessionId: string, entry: SessionEntry): Promise<{ created: boolean }> {
    const created = await this.run(APPEND_SCRIPT, sessionId, [
      JSON.stringify(entry),
      String(this.limits().maxHistory),
    ]);
    return { created: created === 1 };
  }

  async delete(sessionId: string): Promise<boolean> {
    const keys = this.keys(sessionId);
    const existed = (await this.redis.eval(
      DELETE_SCRIPT,
      4,
      keys.meta,
      keys.participants,
      keys.history,
      this.indexKey,
      sessionId,
    )) as number;
    return existed === 1;
  }

  async count(): Promise<number> {
    await this.pruneIndex();
    return this.redis.zcard(this.indexKey);
  }

  /** Newest first. */
  private async liveIds(): Promise<string[]> {
    await this.pruneIndex();
    return this.redis.zrevrange(this.indexKey, 0, -1);
  }

  /** Redis expires the keys itself; this covers the moments before it does, and clocks under test. */
  private expired(lastActivity: string): boolean {
    return this.now() - Date.parse(lastActivity) >= this.limits().ttlSeconds * 1000;
  }

  private async pruneIndex(): Promise<void> {
    const oldest = this.now() - this.limits().ttlSeconds * 1000;
    await this.redis.zremrangebyscore(this.indexKey, '-inf', `(${oldest}`);
  }

  /** Runs a touching script; its ARGV starts with at, at ms, ttl and the session id. */
  private async run(script: string, sessionId: string, extra: string[]): Promise<number> {
    const keys = this.keys(sessionId);
    const nowMs = this.now();
    return (await this.redis.eval(
      script,
      4,
      keys.meta,
      keys.participants,
      keys.history,
      this.indexKey,
      new Date(nowMs).toISOString(),
      String(nowMs),
      String(Math.max(1, Math.ceil(this.limits().ttlSeconds))),
      sessionId,
      ...extra,
    )) as number;
  }

  private get indexKey(): string {
    return `${this.prefix}index`;
  }

  private keys(sessionId: string): { meta: string; participants: string; history: string } {
    const base = `${this.prefix}s:${sessionId}`;
    return { meta: base, participants: `${base}:participants`, history: `${base}:history` };
  }
}
