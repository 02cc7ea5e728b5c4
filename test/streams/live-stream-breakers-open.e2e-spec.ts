import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { eventually } from '../support/eventually';
import { decodeCapacity } from '../support/live-stream-apps';
import { recordLiveEvents, sendLiveAudio, stopLiveStream } from '../support/live-stream-client';
import { servicesUp } from '../support/services-up';
import { connectClosedAfterEach, emitWithAck, type ClientSocket } from '../support/socket-client';
import {
  makeToneScript,
  startToneSpeechEngine,
  synthesizeToneSpeech,
  transcriptWords,
  wordErrorRate,
  type ToneSpeechEngine,
} from '../support/tone-speech';

/** Long enough to see the refusal before the breakers let their probes through. */
const RESET_SECONDS = 6;

interface WhisperInstance {
  status: string;
  circuit: string;
}

/**
 * Every speech-to-text instance still in rotation (healthy by its last probe) but with its breaker open:
 * the pool can take no call, so decode capacity is 0 and a new stream is refused `BACKEND_UNAVAILABLE` at
 * `stream_start` (issue 16), not accepted into finals that can only fail. Once the breakers' probes fall
 * due each instance counts one slot again, a stream is admitted, and the final that failed meanwhile is
 * delivered when the engines are back.
 */
describe('Live streams: every breaker open refuses new streams', () => {
  const config = writeConfigFile({
    gateway: { circuit_breaker_threshold: 1, circuit_breaker_reset_timeout: RESET_SECONDS },
    // The held final comes back because a breaker closed, not because a timer fired.
    streams: { final_retry_interval_ms: 60000 },
  });
  let engines: ToneSpeechEngine[];
  let running: RunningApp;
  const connect = connectClosedAfterEach();
  const client = async (): Promise<ClientSocket> => (await connect(running.url)).socket;

  const capacity = () => decodeCapacity(running.url);
  const whisperInstances = async (): Promise<WhisperInstance[]> =>
    (await request(running.url).get('/api/services').expect(200)).body.services.whisper.instances;
  const start = (socket: ClientSocket) =>
    emitWithAck(socket, 'stream_start', {
      encoding: 'pcm_s16le',
      sample_rate: 16000,
      language: 'en',
      target_languages: [],
    });

  beforeAll(async () => {
    engines = await Promise.all([
      startToneSpeechEngine({ kind: 'openai', slots: 2 }),
      startToneSpeechEngine({ kind: 'openai', slots: 2 }),
    ]);
    running = await startApp({
      CONFIG_FILE: config.path,
      WHISPER_SERVICE_URL: engines.map((engine) => `${engine.url}|1|2`).join(','),
      WHISPER_SERVICE_KIND: 'openai',
      STREAM_VAD: 'energy',
      // The health monitor looks once at start-up and not again during the test: only the breakers see
      // the engines go.
      HEALTH_CHECK_INTERVAL: '300',
    });
    await servicesUp(running.url, ['whisper'], { everyInstance: true });
  });
  afterAll(async () => {
    await running.close();
    await Promise.all(engines.map((engine) => engine.stop()));
    config.remove();
  });

  it('refuses stream_start BACKEND_UNAVAILABLE while every breaker is open, admits again once the probes are due, and loses no final', async () => {
    expect(await capacity()).toMatchObject({ decode_slots: 4, pool_slots: 4 });
    const socket = await client();
    const started = await start(socket);
    expect(started).toMatchObject({ ok: true });
    const streamId = started.stream_id as string;
    const events = recordLiveEvents(socket, streamId);

    // The engines crash; the stream's first final fails on both and opens both breakers.
    for (const engine of engines) engine.kill();
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 41, sentences: 2 }), { seed: 41 });
    const firstSentenceEnd = speech.sentences[0].endMs + 800;
    await sendLiveAudio(socket, streamId, speech, {
      alter: (frame) => (frame.offsetMs < firstSentenceEnd ? frame : undefined),
    });
    await eventually('no capacity left', async () => (await capacity()).decode_slots === 0, {
      timeoutMs: 10000,
      intervalMs: 50,
    });
    // In rotation still (no health probe since), but no instance can take a call.
    const instances = await whisperInstances();
    expect(instances.map((instance) => instance.status)).toEqual(['up', 'up']);
    expect(instances.map((instance) => instance.circuit)).toEqual(['open', 'open']);

    const late = await client();
    const refused = await start(late);
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'BACKEND_UNAVAILABLE',
        event: 'stream_start',
        service: 'whisper',
        retry_after_seconds: RESET_SECONDS,
      },
    });
    expect(String((refused.error as { message: string }).message)).toMatch(/breakers are open/);

    // Back, and the probes due: one slot per instance, a stream admitted.
    await Promise.all(engines.map((engine) => engine.restart()));
    await eventually('the probes due', async () => (await capacity()).decode_slots >= 2, {
      timeoutMs: 3 * RESET_SECONDS * 1000,
      intervalMs: 100,
    });
    const admitted = await start(late);
    expect(admitted).toMatchObject({ ok: true });
    await stopLiveStream(late, admitted.stream_id as string);

    // The open stream's failed final came back once a probe closed a breaker; the rest of its speech too.
    await sendLiveAudio(socket, streamId, speech, { fromMs: firstSentenceEnd });
    await stopLiveStream(socket, streamId, 60000);
    const heard = events.finals.flatMap((final) => transcriptWords(final.text as string));
    const spoken = speech.sentences.flatMap((sentence) => sentence.text.split(' '));
    expect(wordErrorRate(spoken, heard)).toBeLessThanOrEqual(0.02);
    // It failed while the engines were down (told once, held for a retry), then came.
    expect(events.errors.length).toBeGreaterThanOrEqual(1);
    expect(events.errors.every((error) => error.will_retry === true)).toBe(true);
  });
});
