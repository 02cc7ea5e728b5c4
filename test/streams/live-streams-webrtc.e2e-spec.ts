import { startApp, type RunningApp } from '../support/app-harness';
import { ESPEAK_SENTENCES, speechInNoise, type SpeechInNoise } from '../support/espeak-speech';
import { eventually } from '../support/eventually';
import { startFakeEngine, type FakeEngineServer, type RecordedRequest } from '../support/fake-engine-server';
import { recordLiveEvents, sendLiveAudio, stopLiveStream } from '../support/live-stream-client';
import { connectClient, emitWithAck, type ClientSocket } from '../support/socket-client';
import { readPcm16Wav } from '../support/tone-speech/wav-reader';
import { servicesUp } from '../support/services-up';
import { STEADY_ENGINE_HEALTH_CHECK_INTERVAL } from '../support/live-stream-apps';

/** Samples from the middle of each sentence that an upload must hold for the engine to "hear" it. */
const FINGERPRINT_SAMPLES = 320;

/**
 * A speech-to-text engine for espeak-ng speech (OpenAI shape, CONTRACTS §4): it hears a sentence when the
 * uploaded audio holds that sentence's middle, sample for sample (a 16 kHz stream reaches the engine
 * unchanged), so an utterance that merges sentences is heard as all of them and one that misses a
 * sentence's middle does not hear it.
 */
function sentenceEngine(speech: SpeechInNoise): (request: RecordedRequest) => { json: unknown } {
  const fingerprints = speech.spans.map(([from, to]) => {
    const middle = Math.round(((from + to) / 2) * 16);
    return speech.samples.subarray(middle, middle + FINGERPRINT_SAMPLES);
  });
  const holds = (samples: Int16Array, print: Int16Array) => {
    for (let at = 0; at + print.length <= samples.length; at++) {
      if (samples[at] !== print[0]) continue;
      let i = 1;
      while (i < print.length && samples[at + i] === print[i]) i++;
      if (i === print.length) return true;
    }
    return false;
  };
  return (request) => {
    if (request.path === '/v1/models') return { json: { object: 'list', data: [{ id: 'whisper-1' }] } };
    if (request.path !== '/v1/audio/transcriptions') return { json: { status: 'ok' } };
    const file = request.fields.get('file');
    const wav = file && typeof file !== 'string' ? readPcm16Wav(file.bytes) : 'no file';
    const samples = typeof wav === 'string' ? new Int16Array(0) : wav.samples;
    const text = ESPEAK_SENTENCES.filter((_, i) => holds(samples, fingerprints[i])).join(' ');
    const duration = samples.length / 16000;
    return {
      json: {
        task: 'transcribe',
        language: 'english',
        duration,
        text,
        segments: text
          ? [
              {
                ...{ id: 0, seek: 0, start: 0, end: duration, text, tokens: [], temperature: 0 },
                ...{ avg_logprob: -0.1, compression_ratio: 1, no_speech_prob: 0.01 },
              },
            ]
          : [],
      },
    };
  };
}

/**
 * The default voice-activity detector (STREAM_VAD=webrtc) through the real app: real speech (espeak-ng) in
 * white noise about 10 dB below it, streamed over a real socket. Each sentence must be one utterance, one
 * final, in order, covering what was spoken, and translated by the real Apertium. (The energy detector
 * makes one utterance of the same audio: voice-detectors.e2e-spec.ts.)
 */
describe('Live streams with WebRTC voice activity on real speech in noise', () => {
  let speech: SpeechInNoise;
  let engine: FakeEngineServer;
  let running: RunningApp;
  let socket: ClientSocket;

  beforeAll(async () => {
    speech = await speechInNoise(-35);
    engine = await startFakeEngine(sentenceEngine(speech));
    running = await startApp({
      WHISPER_SERVICE_URL: engine.url,
      WHISPER_SERVICE_KIND: 'openai',
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
      STREAM_VAD: 'webrtc',
      HEALTH_CHECK_INTERVAL: STEADY_ENGINE_HEALTH_CHECK_INTERVAL,
    });
    await servicesUp(running.url, ['whisper', 'translation']);
    ({ socket } = await connectClient(running.url));
  });
  afterAll(async () => {
    socket?.close();
    await running.close();
    await engine.close();
  });

  it('makes each spoken sentence one final, in order, covering it, each translated to Spanish', async () => {
    const started = await emitWithAck(socket, 'stream_start', {
      encoding: 'pcm_s16le',
      sample_rate: 16000,
      channels: 1,
      language: 'en',
      target_languages: ['es'],
    });
    const streamId = started.stream_id as string;
    const events = recordLiveEvents(socket, streamId);
    await sendLiveAudio(socket, streamId, speech, { frameMs: 200 });
    const stopped = await stopLiveStream(socket, streamId);

    expect(events.errors).toEqual([]);
    expect(events.finals.map((f) => f.text)).toEqual(ESPEAK_SENTENCES);
    expect(stopped).toMatchObject({ ok: true, finals: ESPEAK_SENTENCES.length });
    events.finals.forEach((final, i) => {
      const [from, to] = speech.spans[i];
      expect(final.utterance_id).toBe(`${streamId}#${i}`);
      // Covers the sentence, give or take 150 ms at either edge, and holds little of the silence around it.
      expect(final.start_ms).toBeLessThanOrEqual(from + 150);
      expect(final.end_ms).toBeGreaterThanOrEqual(to - 150);
      expect((final.end_ms as number) - (final.start_ms as number)).toBeLessThan(to - from + 1000);
    });
    await eventually('a translation per final', () => events.translations.length === ESPEAK_SENTENCES.length);
    expect(events.translations.map((t) => t.utterance_id)).toEqual(events.finals.map((f) => f.utterance_id));
    for (const translation of events.translations) {
      expect(translation).toMatchObject({ target_lang: 'es', backend: expect.stringContaining('apertium') });
      expect(translation.translated_text).not.toBe(translation.text);
    }
  });
});
