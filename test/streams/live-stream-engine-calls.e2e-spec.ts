import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { eventually } from '../support/eventually';
import { startFakeEngine, type FakeEngineServer, type RecordedRequest } from '../support/fake-engine-server';
import { recordLiveEvents, sendLiveAudio, stopLiveStream } from '../support/live-stream-client';
import { connectClient, emitWithAck, type ClientSocket } from '../support/socket-client';
import { decodeToneSpeech, makeToneScript, synthesizeToneSpeech } from '../support/tone-speech';
import { openAiAnswer } from '../support/tone-speech/engine-answers';
import { readPcm16Wav } from '../support/tone-speech/wav-reader';
import { servicesUp } from '../support/services-up';
import { STEADY_ENGINE_HEALTH_CHECK_INTERVAL } from '../support/live-stream-apps';

const TRANSCRIBE = '/v1/audio/transcriptions';

/** The tone-speech engine's OpenAI answer (CONTRACTS §4, §6) from a fake server that keeps every request. */
function toneAnswer(request: RecordedRequest): { json: unknown } {
  if (request.path !== TRANSCRIBE) return { json: { object: 'list', data: [{ id: 'whisper-1' }] } };
  const file = request.fields.get('file');
  const wav = file && typeof file !== 'string' ? readPcm16Wav(file.bytes) : 'no file';
  if (typeof wav === 'string') throw new Error(wav);
  return {
    json: openAiAnswer(decodeToneSpeech(wav.samples, wav.sampleRate), wav.samples.length / wav.sampleRate, {
      responseFormat: request.fields.get('response_format') as string,
      language: request.fields.get('language') as string | undefined,
      wordTimestamps: request.fields.get('timestamp_granularities[]') !== undefined,
    }),
  };
}

/**
 * What a live stream asks the engines (CONTRACTS §3a): the previous finals as the prompt of the next one,
 * word timestamps for finals, and a translation that cannot be made told to the client as an `error`
 * naming the utterance, never skipped in silence. Also the live metrics of Prometheus.
 */
describe('Live stream engine calls', () => {
  let speechEngine: FakeEngineServer;
  let translation: FakeEngineServer;
  let running: RunningApp;
  let socket: ClientSocket;

  beforeAll(async () => {
    speechEngine = await startFakeEngine(toneAnswer);
    // A LibreTranslate that is up (health, languages) but refuses every translation with a final 400.
    translation = await startFakeEngine((req) => {
      if (req.path === '/languages') return { json: [{ code: 'en', name: 'English', targets: ['es'] }] };
      if (req.path === '/translate') return { status: 400, json: { error: 'es is not available' } };
      return { json: { status: 'ok' } };
    });
    running = await startApp({
      WHISPER_SERVICE_URL: speechEngine.url,
      WHISPER_SERVICE_KIND: 'openai',
      TRANSLATION_SERVICE_URL: translation.url,
      TRANSLATION_SERVICE_KIND: 'libretranslate',
      STREAM_VAD: 'energy',
      HEALTH_CHECK_INTERVAL: STEADY_ENGINE_HEALTH_CHECK_INTERVAL,
    });
    await servicesUp(running.url, ['whisper', 'translation']);
    ({ socket } = await connectClient(running.url));
  });
  afterAll(async () => {
    socket?.close();
    await running.close();
    await Promise.all([speechEngine.close(), translation.close()]);
  });

  it('prompts each final with the finals before it, asks word timings for finals only, and reports each failed translation as an error naming its utterance', async () => {
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 101, sentences: 3 }), { seed: 101 });
    const started = await emitWithAck(socket, 'stream_start', {
      encoding: 'pcm_s16le',
      sample_rate: 16000,
      language: 'en',
      target_languages: ['es'],
    });
    const streamId = started.stream_id as string;
    const events = recordLiveEvents(socket, streamId);
    await sendLiveAudio(socket, streamId, speech, { frameMs: 100, speed: 4 });
    await stopLiveStream(socket, streamId);

    expect(events.finals).toHaveLength(3);
    const texts = events.finals.map((f) => f.text as string);
    const calls = speechEngine.requests.filter((r) => r.path === TRANSCRIBE);
    const finals = calls.filter((r) => r.fields.get('timestamp_granularities[]') !== undefined);
    const interims = calls.filter((r) => r.fields.get('timestamp_granularities[]') === undefined);
    expect(finals).toHaveLength(3);
    expect(interims.length).toBeGreaterThan(0);
    expect(calls.every((r) => r.fields.get('response_format') === 'verbose_json')).toBe(true);
    // Finals are decoded in order; each after the first is prompted with the text of those before it.
    expect(finals[0].fields.get('prompt')).toBeUndefined();
    expect(finals[1].fields.get('prompt')).toBe(texts[0]);
    expect(finals[2].fields.get('prompt')).toBe(`${texts[0]} ${texts[1]}`);

    // No translation was made, and none was skipped in silence: one error per final, naming it.
    await eventually('an error per final', () => events.errors.length === 3);
    expect(events.translations).toEqual([]);
    expect(events.errors.map((e) => e.utterance_id)).toEqual(events.finals.map((f) => f.utterance_id));
    for (const error of events.errors) {
      expect(error).toMatchObject({
        event: 'translation_final',
        stream_id: streamId,
        target_lang: 'es',
        code: expect.any(String),
        message: expect.any(String),
      });
    }
  });

  it('exports the live metrics: streams open, lag, final latency, interim decodes, real-time factor', async () => {
    const { text } = await request(running.url).get('/metrics').expect(200);
    expect(text).toMatch(/^orchestration_live_streams_active 0$/m);
    expect(text).toMatch(/^orchestration_live_stream_lag_seconds_count [1-9]/m);
    expect(text).toMatch(/^orchestration_live_final_latency_seconds_count 3$/m);
    expect(text).toMatch(/^orchestration_live_interim_decodes_total\{outcome="made"\} [1-9]/m);
    expect(text).toMatch(/^orchestration_live_decode_rtf_count\{kind="final"\} 3$/m);
  });
});
