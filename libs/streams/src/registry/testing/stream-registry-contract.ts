import type { TranscriptFinalPayload, TranslationFinalPayload } from '@app/results';
import type { StreamRecord, StreamRegistry, StreamRegistryLimits, StreamTaken } from '../stream-registry';

/** A driver under test; both instances of a test share it, as two processes share one Redis. */
export interface RegistryFixture {
  create(limits: () => StreamRegistryLimits): Promise<StreamRegistry>;
  /** Lets the instance liveness keys of owners that stopped renewing expire. */
  passTime(ms: number): Promise<void>;
  close?(): Promise<void>;
}

const record = (streamId: string, sessionId?: string): Omit<StreamRecord, 'epoch' | 'attached'> => ({
  settings: { streamId, sessionId, sampleRate: 16000, targetLanguages: ['es'], interimResults: true },
  owner: 'a',
  connectionId: 'conn-1',
  finalMs: 0,
  nextUtterance: 0,
});

const final = (streamId: string, n: number): TranscriptFinalPayload => ({
  stream_id: streamId,
  utterance_id: `${streamId}#${n}`,
  text: `words ${n}`,
  words: [],
  start_ms: n * 1000,
  end_ms: n * 1000 + 800,
  language: 'en',
  confidence: 0.9,
  backend: 'test',
});

const translation = (streamId: string, n: number): TranslationFinalPayload => ({
  stream_id: streamId,
  utterance_id: `${streamId}#${n}`,
  target_lang: 'es',
  text: `words ${n}`,
  translated_text: `palabras ${n}`,
  confidence: 0.8,
  backend: 'test',
});

/** What every stream registry driver must do; each driver's spec runs it. */
export function describeStreamRegistryContract(name: string, fixture: RegistryFixture): void {
  describe(`${name} stream registry`, () => {
    let registry: StreamRegistry;
    let id: string;
    let counter = 0;
    const limits: StreamRegistryLimits = { recordTtlSeconds: 60, instanceTtlSeconds: 2 };

    beforeEach(async () => {
      registry = await fixture.create(() => limits);
      id = `stream-${Date.now()}-${counter++}`;
    });
    afterAll(async () => fixture.close?.());

    it('knows nothing of a stream never recorded, and refuses a second record under one id', async () => {
      await expect(registry.claim(id, { owner: 'b', connectionId: 'c' })).resolves.toEqual({
        outcome: 'unknown',
      });
      await expect(registry.create(record(id))).resolves.toBe(true);
      await expect(registry.create(record(id))).resolves.toBe(false);
    });

    it('refuses a claim naming another session, and one while the client is still connected to a live owner', async () => {
      await registry.create(record(id, 'session-1'));
      await registry.renew('a', [id]);
      await expect(
        registry.claim(id, { owner: 'b', connectionId: 'c', sessionId: 'session-2' }),
      ).resolves.toEqual({ outcome: 'other_session' });
      await expect(registry.claim(id, { owner: 'b', connectionId: 'c' })).resolves.toEqual({
        outcome: 'other_session',
      });
      await expect(
        registry.claim(id, { owner: 'b', connectionId: 'c', sessionId: 'session-1' }),
      ).resolves.toEqual({ outcome: 'in_use' });
    });

    it('hands a detached stream to the claimant with its progress and replay log, and the old owner can no longer commit', async () => {
      const taken: StreamTaken[] = [];
      const stop = registry.onTaken((t) => taken.push(t));
      await registry.create(record(id));
      const holderA = { owner: 'a', epoch: 1 };
      await expect(
        registry.commitFinal(
          id,
          holderA,
          { finalMs: 800, nextUtterance: 1 },
          { utterance: 0, payload: final(id, 0) },
        ),
      ).resolves.toBe(true);
      await expect(registry.logTranslation(id, 0, translation(id, 0))).resolves.toEqual({
        owner: 'a',
        connectionId: 'conn-1',
      });
      await registry.detach(id, holderA);
      // Said while the client was away: replayed as "after the drop".
      await registry.commitFinal(
        id,
        holderA,
        { finalMs: 1800, nextUtterance: 2 },
        { utterance: 1, payload: final(id, 1) },
      );
      const claimed = await registry.claim(id, { owner: 'b', connectionId: 'conn-2' });
      if (claimed.outcome !== 'claimed') throw new Error(`claim: ${claimed.outcome}`);
      expect(claimed.previousOwner).toBe('a');
      expect(claimed.record).toMatchObject({
        owner: 'b',
        connectionId: 'conn-2',
        finalMs: 1800,
        nextUtterance: 2,
      });
      expect(claimed.record.settings.targetLanguages).toEqual(['es']);
      expect(claimed.log.map((e) => [e.seq, e.event, e.utterance])).toEqual([
        [1, 'transcript_final', 0],
        [2, 'translation_final', 0],
        [3, 'transcript_final', 1],
      ]);
      expect(claimed.droppedAt).toBe(2);
      expect(claimed.log[2].payload).toEqual(final(id, 1));
      // The old owner's late final is refused; its late translation is told where the client is now.
      await expect(registry.commitFinal(id, holderA, { finalMs: 2800, nextUtterance: 3 })).resolves.toBe(
        false,
      );
      await expect(registry.logTranslation(id, 1, translation(id, 1))).resolves.toEqual({
        owner: 'b',
        connectionId: 'conn-2',
      });
      await expect(registry.release(id, holderA)).resolves.toBe(false);
      const expected = { streamId: id, owner: 'b', connectionId: 'conn-2' };
      for (let i = 0; i < 100 && taken.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(taken).toEqual([expected]);
      stop();
      const holderB = { owner: 'b', epoch: claimed.record.epoch };
      await expect(registry.release(id, holderB)).resolves.toBe(true);
      await expect(registry.claim(id, { owner: 'c', connectionId: 'conn-3' })).resolves.toEqual({
        outcome: 'unknown',
      });
    });

    it('lets the same connection start again, and a claimant take a stream whose owner stopped renewing', async () => {
      await registry.create(record(id));
      await registry.renew('a', [id]);
      const again = await registry.claim(id, { owner: 'a', connectionId: 'conn-1' });
      expect(again).toMatchObject({ outcome: 'claimed', record: { epoch: 1 } });
      await fixture.passTime(limits.instanceTtlSeconds * 1000 + 500);
      const claimed = await registry.claim(id, { owner: 'b', connectionId: 'conn-2' });
      expect(claimed).toMatchObject({ outcome: 'claimed', previousOwner: 'a', droppedAt: undefined });
    });

    it('moves the epoch on when the owner replaces its own copy, so that copy can commit nothing more', async () => {
      await registry.create(record(id));
      await registry.detach(id, { owner: 'a', epoch: 1 });
      const replaced = await registry.claim(id, { owner: 'a', connectionId: 'conn-2', replace: true });
      expect(replaced).toMatchObject({ outcome: 'claimed', previousOwner: 'a', record: { epoch: 2 } });
      const progress = { finalMs: 900, nextUtterance: 1 };
      await expect(registry.commitFinal(id, { owner: 'a', epoch: 1 }, progress)).resolves.toBe(false);
      await expect(registry.commitFinal(id, { owner: 'a', epoch: 2 }, progress)).resolves.toBe(true);
    });
  });
}
