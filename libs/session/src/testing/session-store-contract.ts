import { DomainEvents } from '@app/common';
import { SessionService } from '../session.service';
import type { SessionEntry } from '../session.types';
import type { SessionLimits, SessionStoreDriver } from '../drivers/session-store-driver';

/** A driver under test, with a clock the suite moves and limits it may change. */
export interface DriverFixture {
  create(limits: () => SessionLimits, now: () => number): Promise<SessionStoreDriver>;
  /** Optional: closes connections after the suite. */
  close?(): Promise<void>;
}

function transcript(chunkId: string, text = `text ${chunkId}`): SessionEntry {
  return {
    kind: 'transcript',
    chunkId,
    at: new Date(0).toISOString(),
    text,
    language: 'en',
    confidence: 0.9,
    segments: [{ start: 0, end: 1, text }],
    offset: 0,
    backend: 'test',
  };
}

/** The behaviour every session driver must show; each driver's spec runs it. */
export function describeSessionStoreContract(name: string, fixture: DriverFixture): void {
  describe(`${name} session store`, () => {
    let clock: number;
    let limits: SessionLimits;
    let events: DomainEvents;
    let store: SessionService;
    let announced: string[];

    beforeEach(async () => {
      clock = Date.parse('2026-01-01T00:00:00Z');
      limits = { ttlSeconds: 60, maxHistory: 3 };
      events = new DomainEvents();
      announced = [];
      events.on('session.created', ({ sessionId }) => announced.push(`created ${sessionId}`));
      events.on('session.deleted', ({ sessionId }) => announced.push(`deleted ${sessionId}`));
      store = new SessionService(
        await fixture.create(
          () => limits,
          () => clock,
        ),
        events,
      );
    });

    afterAll(async () => {
      await fixture.close?.();
    });

    it('creates a session on first join and keeps its participants', async () => {
      const first = await store.join('s1', { connectionId: 'a', joinedAt: 'x' });
      expect(first.participants.map((p) => p.connectionId)).toEqual(['a']);
      const second = await store.join('s1', { connectionId: 'b', joinedAt: 'y', ip: '127.0.0.2' });
      expect(second.participants.map((p) => p.connectionId).sort()).toEqual(['a', 'b']);
      expect(second.createdAt).toBe(first.createdAt);
      expect(announced).toEqual(['created s1']);
      await store.leave('s1', 'a');
      expect((await store.get('s1'))?.participants.map((p) => p.connectionId)).toEqual(['b']);
    });

    it('keeps the newest entries, oldest first, within the history bound', async () => {
      for (const id of ['1', '2', '3', '4', '5']) await store.append('s2', transcript(id));
      const session = await store.get('s2');
      expect(session?.history.map((e) => e.chunkId)).toEqual(['3', '4', '5']);
      expect(session?.history[0]).toEqual(transcript('3'));
      expect(announced).toEqual(['created s2']);
    });

    it('loses no entry when many appends race', async () => {
      limits.maxHistory = 100;
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.append('s3', transcript(String(i)))));
      const ids = (await store.get('s3'))?.history.map((e) => e.chunkId) ?? [];
      expect(ids.sort((a, b) => Number(a) - Number(b))).toEqual(
        Array.from({ length: 50 }, (_, i) => String(i)),
      );
      expect(announced).toEqual(['created s3']);
    });

    it('expires a session after the TTL without activity, and activity renews it', async () => {
      await store.join('s4', { connectionId: 'a', joinedAt: 'x' });
      clock += 40_000;
      await store.append('s4', transcript('1'));
      clock += 40_000;
      expect(await store.get('s4')).toBeDefined();
      expect(await store.count()).toBe(1);
      clock += 61_000;
      expect(await store.get('s4')).toBeUndefined();
      expect(await store.list()).toEqual([]);
      expect(await store.count()).toBe(0);
    });

    it('lists summaries, most recently active first', async () => {
      await store.join('old', { connectionId: 'a', joinedAt: 'x' });
      clock += 1000;
      await store.append('new', transcript('1'));
      const list = await store.list();
      expect(list.map((s) => [s.id, s.participantCount, s.entryCount])).toEqual([
        ['new', 0, 1],
        ['old', 1, 0],
      ]);
      expect(list[0].lastActivity).toBe(new Date(clock).toISOString());
    });

    it('deletes a session once and reports whether it existed', async () => {
      await store.append('s5', transcript('1'));
      expect(await store.delete('s5')).toBe(true);
      expect(await store.delete('s5')).toBe(false);
      expect(await store.get('s5')).toBeUndefined();
      expect(await store.count()).toBe(0);
      expect(announced).toEqual(['created s5', 'deleted s5']);
    });

    it('refuses ids that are not short printable tokens', async () => {
      await expect(store.join('bad id', { connectionId: 'a', joinedAt: 'x' })).rejects.toMatchObject({
        code: 'INVALID_SESSION_ID',
      });
      expect(await store.get('*')).toBeUndefined();
    });
  });
}
