import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { RunningApp } from '../support/app-harness';
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
} from '../support/live-stream-client';
import { emitWithAck } from '../support/socket-client';
import { makeToneScript, synthesizeToneSpeech, wordErrorRate } from '../support/tone-speech';
import { resumeStream, streamOn, useInstancesSharingRedis } from '../support/live-stream-apps';
import { servicesUp } from '../support/services-up';
import { startUtteranceFailingFront } from '../support/utterance-failing-front';

type Payload = Record<string, unknown>;

/**
 * CONTRACTS §3a resume when a final failed everywhere (issue 16): the engine fails every decode of one
 * utterance, the client drops and resumes (on the other of two instances sharing Redis, or the same one),
 * the engine recovers. A held final (5xx, `will_retry: true`) and a given-up one (4xx, `will_retry:
 * false`) both keep the resume point before their audio, so the client re-sends it and it is decoded
 * again; what was delivered after a given-up final is recognised and not sent twice. The session history
 * ends up with exactly the finals and translations the client got.
 */
describe('Live stream resume behind a failed final', () => {
  // The held final's failures open the breaker: closed again soon, so the next test starts in rotation.
  const apps = useInstancesSharingRedis({
    config: { gateway: { circuit_breaker_reset_timeout: 1 } },
    front: startUtteranceFailingFront,
  });
  afterEach(async () => {
    apps.front.fail(undefined);
    await Promise.all(
      [apps.first, apps.second].map((app) => servicesUp(app.url, ['whisper'], { everyInstance: true })),
    );
    await eventually('every breaker closed', async () =>
      (
        await Promise.all(
          [apps.first, apps.second].map(async (app) => {
            const { body } = await request(app.url).get('/api/services').expect(200);
            return (body.services.whisper.instances as Payload[]).every((i) => i.circuit === 'closed');
          }),
        )
      ).every(Boolean),
    );
  });
  /**
   * Streams a script to `first` with every decode of sentence `k` failing (`status`), sends until sentence
   * `k + sentBeyond` is open, drops, resumes on `resumeOn` with the engine recovered, sends the rest from
   * `resume_from_ms` and checks that every sentence is final exactly once, in the history too.
   */
  async function failDropResume(
    seed: number,
    { status, sentBeyond, resumeOn }: { status: number; sentBeyond: number; resumeOn: () => RunningApp },
  ) {
    const sessionId = `failed-${randomUUID().slice(0, 8)}`;
    const speech = synthesizeToneSpeech(makeToneScript({ seed, sentences: 6 }), { seed });
    const k = 2;
    apps.front.fail({ text: speech.sentences[k].text, status });
    const sender = await apps.connect(apps.first);
    const started = await emitWithAck(sender, 'stream_start', {
      encoding: 'pcm_s16le',
      sample_rate: 16000,
      language: 'en',
      session_id: sessionId,
      target_languages: ['es'],
    });
    const id = started.stream_id as string;
    const failedId = `${id}#${k}`;
    const before = recordLiveEvents(sender, id);
    await sendLiveAudio(sender, id, audioUntil(speech, speech.sentences[k + sentBeyond].startMs + 400));
    const error = await eventually('the error naming the failed final', () => before.errors[0], {
      timeoutMs: 15000,
    });
    expect(error).toMatchObject({
      event: 'transcript_final',
      utterance_id: failedId,
      will_retry: status >= 500,
    });
    // What came after a given-up final is delivered meanwhile; the resume point stays before its audio.
    await eventually('the finals before the drop', () => before.finals.length === k + sentBeyond - 1, {
      timeoutMs: 15000,
    });
    const finalBeforeFailed = before.finals[k - 1];
    expect(finalBeforeFailed.utterance_id).toBe(`${id}#${k - 1}`);
    await eventually(
      'a stream_status whose final_ms is before the failed utterance',
      () => before.statuses.at(-1)?.final_ms === finalBeforeFailed.end_ms,
      { timeoutMs: 5000 },
    );

    sender.disconnect();
    await eventually(
      'the first instance to see the client gone',
      async () => (await streamOn(apps.first.url, id))?.state === 'detached',
    );
    const target = resumeOn();
    const resumer = await apps.connect(target);
    const after = recordLiveEvents(resumer, id);
    const resumed = await resumeStream(resumer, id, {
      sessionId,
      lastUtteranceId: before.finals.at(-1)?.utterance_id,
    });
    expect(resumed).toMatchObject({ ok: true, stream_id: id });
    const from = resumed.resume_from_ms as number;
    // The end of the last final before the earliest utterance not delivered: the failed one is re-sent.
    expect(from).toBe(finalBeforeFailed.end_ms);
    apps.front.fail(undefined);
    await sendLiveAudio(resumer, id, speech, { fromMs: from });
    await expect(stopLiveStream(resumer, id)).resolves.toMatchObject({ ok: true });

    const finals = [...before.finals, ...after.finals];
    const ids = finals.map((f) => f.utterance_id as string);
    // Nothing lost, nothing repeated: every sentence once, each id once, no speech under two ids.
    expect(new Set(ids).size).toBe(ids.length);
    expect(repeatedSpeech(finals)).toEqual([]);
    expect([...ids].sort()).toEqual(speech.sentences.map((_, i) => `${id}#${i}`).sort());
    const reference = speech.sentences.flatMap((s) => s.text.split(' '));
    const heard = wordsInAudioOrder(finals);
    expect(wordErrorRate(reference, heard)).toBe(0);
    // The failed utterance came from the resumed stream, under the id the error named.
    expect(after.finals.filter((f) => f.utterance_id === failedId)).toHaveLength(1);
    expect([...before.errors.slice(1), ...after.errors]).toEqual([]);
    const translated = () =>
      translationsHeld([...before.translations, ...after.translations], before.finals.at(-1)?.utterance_id);
    await eventually('a translation per final', () => translated().length >= finals.length, {
      timeoutMs: 10000,
    });
    const translations = translated();
    expect(translations.map((t) => t.utterance_id).sort()).toEqual([...ids].sort());

    // The session history (join_session, export) holds what the client got: each final and translation
    // once, with the same text, whichever instance made it.
    expect(await sessionCaptions(apps.first.url, sessionId)).toEqual(receivedCaptions(finals, translations));
    // Neither copy is left behind.
    expect(await streamOn(apps.first.url, id)).toBeUndefined();
    expect(await streamOn(apps.second.url, id)).toBeUndefined();
    return { before, after, k, id };
  }

  it('carries a held final (failing everywhere, will_retry) over to the other instance: decoded there once the engine recovers', async () => {
    await failDropResume(101, { status: 500, sentBeyond: 1, resumeOn: () => apps.second });
  });

  it('keeps the resume point before a given-up final: the other instance decodes it and does not send the finals after it again', async () => {
    const { before, k, id } = await failDropResume(102, {
      status: 400,
      sentBeyond: 2,
      resumeOn: () => apps.second,
    });
    expect(before.finals.map((f) => f.utterance_id)).toContain(`${id}#${k + 1}`);
  });

  it('keeps the resume point before a given-up final on the same instance too', async () => {
    await failDropResume(103, { status: 400, sentBeyond: 2, resumeOn: () => apps.first });
  });
});
