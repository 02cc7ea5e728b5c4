import { randomUUID } from 'node:crypto';
import { eventually } from '../support/eventually';
import {
  audioUntil,
  receivedCaptions,
  recordLiveEvents,
  repeatedSpeech,
  sessionCaptions,
  sendLiveAudio,
  stopLiveStream,
  translationsHeld,
  wordsInAudioOrder,
  type LiveEvents,
} from '../support/live-stream-client';
import { emitWithAck } from '../support/socket-client';
import { makeToneScript, synthesizeToneSpeech, wordErrorRate } from '../support/tone-speech';
import { resumeStream, streamOn, useInstancesSharingRedis } from '../support/live-stream-apps';

type Payload = Record<string, unknown>;

/**
 * CONTRACTS §3a resume with REDIS_URL: a client drops mid-stream and resumes its stream on the other of two
 * instances sharing Redis. The new instance continues the stream from the end of the last final (the
 * client re-sends its audio from there), replays the finals and translations the client missed, and the old
 * instance publishes nothing more for it.
 */
describe('Live stream resume on another instance (shared Redis)', () => {
  const apps = useInstancesSharingRedis();

  afterEach(() => apps.engine.setLatency({ baseMs: 30 }));

  /**
   * Streams a script to `first`, drops while sentence `k - 1` is being decoded (slowly) and sentence `k` is
   * open, resumes on `second` (after `beforeResume`) and sends the rest from `resume_from_ms`.
   */
  async function dropAndResume(
    seed: number,
    beforeResume: (ctx: { streamId: string; member: LiveEvents; before: LiveEvents }) => Promise<void>,
  ) {
    const sessionId = `resume-${randomUUID().slice(0, 8)}`;
    const speech = synthesizeToneSpeech(makeToneScript({ seed, sentences: 6 }), { seed });
    // The sentence to cut in: one after a pause long enough for the sentence before it to close first.
    const k = speech.sentences.findIndex(
      (s, i) => i >= 3 && s.startMs - speech.sentences[i - 1].endMs >= 700,
    );
    expect(k).toBeGreaterThan(0);
    const memberSocket = await apps.connect(apps.second);
    await emitWithAck(memberSocket, 'service_message', { type: 'join_session', session_id: sessionId });
    const sender = await apps.connect(apps.first);
    const started = await emitWithAck(sender, 'stream_start', {
      encoding: 'pcm_s16le',
      sample_rate: 16000,
      language: 'en',
      session_id: sessionId,
      target_languages: ['es'],
    });
    const streamId = started.stream_id as string;
    const before = recordLiveEvents(sender, streamId);
    const member = recordLiveEvents(memberSocket, streamId);
    await sendLiveAudio(sender, streamId, audioUntil(speech, speech.sentences[k - 1].startMs));
    await eventually('the finals before sentence k - 2', () => before.finals.length >= k - 2, {
      timeoutMs: 10000,
    });
    // Sentence k - 1 closes as the rest is sent, and its final takes a second and a half to decode.
    apps.engine.setLatency({ baseMs: 1500 });
    await sendLiveAudio(sender, streamId, audioUntil(speech, speech.sentences[k].startMs + 400), {
      fromMs: speech.sentences[k - 1].startMs,
    });
    sender.disconnect();
    await eventually(
      'the first instance to see the client gone',
      async () => (await streamOn(apps.first.url, streamId))?.state === 'detached',
    );
    await beforeResume({ streamId, member, before });
    apps.engine.setLatency({ baseMs: 30 });

    const resumer = await apps.connect(apps.second);
    const after = recordLiveEvents(resumer, streamId);
    const lastHad = before.finals.at(-1);
    const resumed = await resumeStream(resumer, streamId, {
      sessionId,
      lastUtteranceId: lastHad?.utterance_id,
    });
    expect(resumed).toMatchObject({ ok: true, stream_id: streamId, session_id: sessionId });
    const from = resumed.resume_from_ms as number;
    // Nothing the client no longer holds is asked for again: it holds everything after its last final.
    expect(from).toBeGreaterThanOrEqual((lastHad?.end_ms as number) ?? 0);
    await sendLiveAudio(resumer, streamId, speech, { fromMs: from });
    const stopped = await stopLiveStream(resumer, streamId);
    expect(stopped).toMatchObject({ ok: true });
    await eventually(
      'every translation at the member',
      () => member.translations.length >= member.finals.length,
      {
        timeoutMs: 10000,
      },
    );

    const reference = speech.sentences.flatMap((s) => s.text.split(' '));
    const finals = [...before.finals, ...after.finals];
    const ids = finals.map((f) => f.utterance_id);
    // Nothing lost, nothing repeated: the script once, each utterance id once, no speech under two ids.
    expect(new Set(ids).size).toBe(ids.length);
    expect(repeatedSpeech(finals)).toEqual([]);
    const heard = wordsInAudioOrder(finals);
    expect(wordErrorRate(reference, heard)).toBeLessThanOrEqual(0.02);
    expect(finals).toHaveLength(speech.sentences.length);
    // The session saw the same finals, once each, whichever instance made them.
    expect(member.finals.map((f) => f.utterance_id).sort()).toEqual([...ids].sort());
    // One Spanish translation per final reached the client, across both connections.
    const translations = translationsHeld(
      [...before.translations, ...after.translations],
      lastHad?.utterance_id,
    );
    expect(translations.map((t) => t.utterance_id).sort()).toEqual([...ids].sort());
    expect([...before.errors, ...after.errors]).toEqual([]);
    // The session history, which replay does not read, holds the same captions, each once.
    expect(await sessionCaptions(apps.second.url, sessionId)).toEqual(receivedCaptions(finals, translations));
    // The old instance dropped its copy.
    expect(await streamOn(apps.first.url, streamId)).toBeUndefined();
    return { before, after, from, k };
  }

  it('replays the finals and translations made while the client was away, and continues the stream with nothing lost or repeated', async () => {
    const { after, from } = await dropAndResume(91, async ({ member, before: had }) => {
      // The old instance finishes the sentence that closed before the drop; the client misses it.
      await eventually('a final the client missed', () => member.finals.length > had.finals.length, {
        timeoutMs: 10000,
      });
      await eventually('its translation', () => member.translations.length >= member.finals.length, {
        timeoutMs: 10000,
      });
    });
    const replayed = after.finals.filter((f) => (f.end_ms as number) <= from);
    expect(replayed.length).toBeGreaterThanOrEqual(1);
    expect(
      after.translations.filter((t) => replayed.some((f) => f.utterance_id === t.utterance_id)),
    ).toHaveLength(replayed.length);
    // Replayed before anything new: the client reads its captions in order.
    expect(after.order.findIndex((e) => e.event === 'transcript_final')).toBe(
      after.order.findIndex((e) => e.utterance === replayed[0].utterance_id),
    );
  });

  it('takes the stream while the old instance is still decoding: its late final is dropped and the audio decoded again on the new one', async () => {
    const { after, from, before } = await dropAndResume(92, () => Promise.resolve());
    // Nothing to replay: the old instance had not finished the sentence, so the new one starts at the end of
    // the client's last final and decodes that sentence anew (dropAndResume checked it is final once).
    expect(before.finals.length).toBeGreaterThan(0);
    expect(from).toBe(before.finals.at(-1)?.end_ms);
    expect(after.finals.every((f) => (f.start_ms as number) >= from)).toBe(true);
  });

  it('refuses bad resumes with a clear error and leaves the stream with its client', async () => {
    const sessionId = `resume-${randomUUID().slice(0, 8)}`;
    const owner = await apps.connect(apps.first);
    const started = await emitWithAck(owner, 'stream_start', {
      encoding: 'pcm_s16le',
      sample_rate: 16000,
      session_id: sessionId,
    });
    const streamId = started.stream_id as string;
    const other = await apps.connect(apps.second);
    const start = (fields: Payload) =>
      emitWithAck(other, 'stream_start', { encoding: 'pcm_s16le', sample_rate: 16000, ...fields });

    await expect(start({ stream_id: `never-${randomUUID()}`, resume: true })).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_STREAM', event: 'stream_start' },
    });
    await expect(
      start({ stream_id: streamId, resume: true, session_id: 'another-session' }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'STREAM_SESSION_MISMATCH', stream_id: streamId },
    });
    await expect(start({ stream_id: streamId, resume: true })).resolves.toMatchObject({
      ok: false,
      error: { code: 'STREAM_SESSION_MISMATCH', stream_id: streamId },
    });
    // Its client is still connected to the first instance: nobody else takes it.
    await expect(start({ stream_id: streamId, resume: true, session_id: sessionId })).resolves.toMatchObject({
      ok: false,
      error: { code: 'STREAM_IN_USE', stream_id: streamId },
    });
    await expect(
      start({
        stream_id: streamId,
        resume: true,
        session_id: sessionId,
        last_utterance_id: 'other-stream#3',
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', stream_id: streamId } });
    await expect(
      start({ stream_id: streamId, resume: 'yes', last_utterance_id: 'not an id' }),
    ).resolves.toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_PAYLOAD',
        fields: expect.arrayContaining([
          expect.objectContaining({ field: 'resume' }),
          expect.objectContaining({ field: 'last_utterance_id' }),
        ]) as unknown,
      },
    });
    // The owner's stream is untouched.
    await expect(stopLiveStream(owner, streamId)).resolves.toMatchObject({ ok: true, stream_id: streamId });
  });
});
