import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { eventually } from '../support/eventually';
import { recordLiveEvents, sendLiveAudio, stopLiveStream } from '../support/live-stream-client';
import { collect, connectClient, emitWithAck, nextEvent, type ClientSocket } from '../support/socket-client';
import {
  makeToneScript,
  startToneSpeechEngine,
  synthesizeToneSpeech,
  transcriptWords,
  wordErrorRate,
  type ToneSpeech,
  type ToneSpeechEngine,
} from '../support/tone-speech';
import { STEADY_ENGINE_HEALTH_CHECK_INTERVAL } from '../support/live-stream-apps';

/** Two streams per process, and a stream without its client is kept 2 s for a resume. */
const MAX_STREAMS = 2;
const DETACHED_TIMEOUT_S = 2;

/**
 * A live stream's life beyond start/audio/stop (CONTRACTS §3a): the per-process cap on open streams, a
 * client that drops and resumes its stream on the same instance, and a stream whose client never comes
 * back. Tone speech (§6) over real sockets into the real app.
 */
describe('Live stream lifecycle', () => {
  const config = writeConfigFile({
    streams: { max_streams: MAX_STREAMS, detached_timeout: DETACHED_TIMEOUT_S },
  });
  let engine: ToneSpeechEngine;
  let running: RunningApp;
  const sockets: ClientSocket[] = [];

  async function client(): Promise<ClientSocket> {
    const { socket } = await connectClient(running.url);
    sockets.push(socket);
    return socket;
  }

  const startFields = {
    encoding: 'pcm_s16le',
    sample_rate: 16000,
    channels: 1,
    language: 'en',
    target_languages: [],
  };

  /** The first `ms` of the speech, as a client that has captured only that much would hold it. */
  const upTo = (speech: ToneSpeech, ms: number) => ({
    samples: speech.samples.slice(0, (ms * speech.sampleRate) / 1000),
    sampleRate: speech.sampleRate,
  });

  const scriptWords = (speech: ToneSpeech) => speech.sentences.flatMap((s) => s.text.split(' '));

  async function listed(streamId: string): Promise<Record<string, unknown> | undefined> {
    const { body } = await request(running.url).get('/api/streams').expect(200);
    return (body.streams as Record<string, unknown>[]).find((s) => s.stream_id === streamId);
  }

  beforeAll(async () => {
    engine = await startToneSpeechEngine({ kind: 'openai', slots: 4 });
    running = await startApp({
      CONFIG_FILE: config.path,
      WHISPER_SERVICE_URL: engine.url,
      WHISPER_SERVICE_KIND: 'openai',
      STREAM_VAD: 'energy',
      HEALTH_CHECK_INTERVAL: STEADY_ENGINE_HEALTH_CHECK_INTERVAL,
    });
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    // Every test starts with no stream open (the cap counts them all).
    await eventually(
      'no open stream',
      async () => ((await request(running.url).get('/api/streams')).body.streams as unknown[]).length === 0,
      { timeoutMs: (DETACHED_TIMEOUT_S + 8) * 1000 },
    );
  });
  afterAll(async () => {
    await running.close();
    await engine.stop();
    config.remove();
  });

  it('refuses a stream beyond streams.max_streams with STREAM_LIMIT, and takes it once one has stopped', async () => {
    const socket = await client();
    const errors = collect<Record<string, unknown>>(socket, 'error');
    const open: string[] = [];
    for (let i = 0; i < MAX_STREAMS; i++) {
      const ack = await emitWithAck(socket, 'stream_start', startFields);
      expect(ack).toMatchObject({ ok: true });
      open.push(ack.stream_id as string);
    }
    const refused = await emitWithAck(socket, 'stream_start', { ...startFields, stream_id: 'one-too-many' });
    expect(refused).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'STREAM_LIMIT',
        event: 'stream_start',
        stream_id: 'one-too-many',
        message: expect.stringContaining(String(MAX_STREAMS)),
      }),
    });
    await eventually('the error event', () => errors.some((e) => e.code === 'STREAM_LIMIT'));
    expect(await listed('one-too-many')).toBeUndefined();
    // The streams already open go on.
    const frame = await emitWithAck(socket, 'stream_audio', {
      stream_id: open[0],
      offset_ms: 0,
      audio: Buffer.alloc(3200),
    });
    expect(frame).toMatchObject({ ok: true, received_ms: 100 });

    await stopLiveStream(socket, open[0]);
    const again = await emitWithAck(socket, 'stream_start', { ...startFields, stream_id: 'one-too-many' });
    expect(again).toMatchObject({ ok: true, stream_id: 'one-too-many', resume_from_ms: 0 });
    await stopLiveStream(socket, open[1]);
    await stopLiveStream(socket, 'one-too-many');
  });

  it('resumes a stream on the same instance after its client dropped: nothing lost, nothing repeated', async () => {
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 81, sentences: 3 }), { seed: 81 });
    const streamId = 'lifecycle-resume';
    // The client drops in the middle of the second sentence, after the first one's final.
    const second = speech.sentences[1];
    const dropMs = Math.round((second.startMs + second.endMs) / 200) * 100;

    const first = await client();
    const before = recordLiveEvents(first, streamId);
    await emitWithAck(first, 'stream_start', { ...startFields, stream_id: streamId });
    await sendLiveAudio(first, streamId, upTo(speech, dropMs), { frameMs: 100 });
    await eventually('the first sentence final', () => before.finals.length === 1, { timeoutMs: 10000 });
    first.close();
    await eventually('the stream detached', async () => (await listed(streamId))?.state === 'detached');

    const resumed = await client();
    const after = recordLiveEvents(resumed, streamId);
    const ack = await emitWithAck(resumed, 'stream_start', { ...startFields, stream_id: streamId });
    expect(ack).toMatchObject({ ok: true, stream_id: streamId });
    // The instance still holds everything the first connection sent.
    expect(Math.abs((ack.resume_from_ms as number) - dropMs)).toBeLessThanOrEqual(10);
    expect(await listed(streamId)).toMatchObject({ state: 'active', received_ms: ack.resume_from_ms });
    // The client kept the audio after its last final; it sends all of it (what the server already holds
    // is trimmed as overlap), then the rest of the speech.
    const lastFinalEnd = before.finals[0].end_ms as number;
    expect(lastFinalEnd).toBeLessThan(ack.resume_from_ms as number);
    const stopped = nextEvent<Record<string, unknown>>(resumed, 'stream_stopped', 30000);
    await sendLiveAudio(resumed, streamId, speech, { frameMs: 100, fromMs: lastFinalEnd });
    await stopLiveStream(resumed, streamId);

    const finals = [...before.finals, ...after.finals];
    const ids = finals.map((f) => f.utterance_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(finals).toHaveLength(speech.sentences.length);
    const heard = finals.flatMap((f) => transcriptWords(f.text as string));
    expect(wordErrorRate(scriptWords(speech), heard)).toBeLessThanOrEqual(0.02);
    expect([...before.errors, ...after.errors]).toEqual([]);
    // The re-sent audio was heard once: the stream's length is the speech's, with no gap.
    expect(Math.abs(((await stopped).audio_ms as number) - speech.durationMs)).toBeLessThan(20);
    expect(after.statuses.every((s) => s.gaps_ms === 0)).toBe(true);
  });

  it('closes a stream whose client never comes back, finalising the utterance that was open', async () => {
    // No silence after the last word: its utterance is still open when the client goes.
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 91, sentences: 2 }), { seed: 91, tailMs: 0 });
    const sessionId = 'lifecycle-abandoned';
    const streamId = 'lifecycle-abandoned';
    const member = await client();
    await emitWithAck(member, 'service_message', { type: 'join_session', session_id: sessionId });
    const seen = recordLiveEvents(member, streamId);
    const closed = nextEvent<Record<string, unknown>>(
      member,
      'stream_stopped',
      (DETACHED_TIMEOUT_S + 15) * 1000,
    );

    const sender = await client();
    await emitWithAck(sender, 'stream_start', { ...startFields, stream_id: streamId, session_id: sessionId });
    await sendLiveAudio(sender, streamId, speech, { frameMs: 100 });
    await eventually('the first sentence final', () => seen.finals.length === 1, { timeoutMs: 10000 });
    sender.close();
    const left = Date.now();

    // The session's member hears the open utterance's final, then that the stream stopped.
    expect(await closed).toEqual({ stream_id: streamId, audio_ms: expect.any(Number), finals: 2 });
    expect(Date.now() - left).toBeGreaterThanOrEqual(DETACHED_TIMEOUT_S * 1000 - 100);
    expect(seen.finals).toHaveLength(2);
    expect(seen.finals[1].end_ms).toBeGreaterThanOrEqual(speech.sentences[1].endMs - 10);
    const heard = seen.finals.flatMap((f) => transcriptWords(f.text as string));
    expect(wordErrorRate(scriptWords(speech), heard)).toBeLessThanOrEqual(0.02);
    expect(await listed(streamId)).toBeUndefined();
    // It is in the session's history too.
    const { body } = await request(running.url).get(`/api/sessions/${sessionId}`).expect(200);
    const history = (body.history ?? body.session?.history) as { kind: string; chunk_id: string }[];
    expect(history.filter((e) => e.kind === 'transcript').map((e) => e.chunk_id)).toEqual(
      seen.finals.map((f) => f.utterance_id),
    );
  });
});
