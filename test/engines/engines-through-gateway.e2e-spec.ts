import { ENGINES, type Engines } from '@app/engines';
import { startApp, type RunningApp } from '../support/app-harness';
import { startFakeEngine, type FakeEngineServer, type RecordedRequest } from '../support/fake-engine-server';
import { tone } from '../support/wav';

const audio = { data: tone(0.2, 0.5), format: 'wav', contentType: 'audio/wav' };

const verboseJson = (language: string) => ({
  task: 'transcribe',
  language,
  duration: 0.2,
  text: ' Hello there.',
  segments: [
    {
      id: 0,
      seek: 0,
      start: 0,
      end: 0.2,
      text: ' Hello there.',
      tokens: [],
      temperature: 0,
      avg_logprob: -0.05,
      compression_ratio: 1,
      no_speech_prob: 0.02,
    },
  ],
});

/** An engine fake that also answers its kind's health probe, so the health monitor keeps it in rotation. */
function engineFake(handler: (r: RecordedRequest) => { status?: number; json?: unknown } | undefined) {
  return startFakeEngine(
    (r) =>
      handler(r) ??
      (r.method === 'GET' ? { json: { status: 'ok' } } : { status: 404, json: { error: 'Not Found' } }),
  );
}

/**
 * The adapters inside the running application, calling fake engines through the real gateway client
 * (balancing, policies, undici transport), selected by *_SERVICE_KIND as in production.
 */
describe('engine adapters through the gateway', () => {
  const started: { app?: RunningApp; fakes: FakeEngineServer[] } = { fakes: [] };
  afterEach(async () => {
    await started.app?.close();
    await Promise.all(started.fakes.map((f) => f.close()));
    started.fakes = [];
  });

  it('openai: multipart upload with model and bearer key reaches /v1/audio/transcriptions', async () => {
    const whisper = await engineFake((r) =>
      r.path === '/v1/audio/transcriptions' ? { json: verboseJson('en') } : undefined,
    );
    started.fakes.push(whisper);
    started.app = await startApp({
      WHISPER_SERVICE_URL: whisper.url,
      WHISPER_SERVICE_KIND: 'openai',
      WHISPER_API_KEY: 'sk-gw',
    });
    const engine = started.app.app.get<Engines>(ENGINES).speechToText;
    const result = await engine.transcribe(audio, { language: 'en' });
    const call = whisper.requests.find((r) => r.path === '/v1/audio/transcriptions');
    expect(call?.headers.authorization).toBe('Bearer sk-gw');
    expect(call?.fields.get('file')).toMatchObject({ type: 'audio/wav', size: audio.data.length });
    expect(call?.fields.get('response_format')).toBe('verbose_json');
    expect(result).toMatchObject({ text: 'Hello there.', language: 'en', backend: 'openai@whisper-0' });
    expect(result.confidence).toBeCloseTo(Math.exp(-0.05) * 0.98, 6);
  });

  it('whisper-cpp: /inference with the language name mapped back to ISO 639-1', async () => {
    const whisper = await engineFake((r) =>
      r.path === '/inference' ? { json: verboseJson('german') } : undefined,
    );
    started.fakes.push(whisper);
    started.app = await startApp({ WHISPER_SERVICE_URL: whisper.url, WHISPER_SERVICE_KIND: 'whisper-cpp' });
    const engine = started.app.app.get<Engines>(ENGINES).speechToText;
    const result = await engine.transcribe(audio, {});
    expect(result).toMatchObject({ language: 'de', backend: 'whisper-cpp@whisper-0' });
    expect(whisper.requests.find((r) => r.path === '/inference')?.fields.get('file')).toMatchObject({
      size: audio.data.length,
    });
  });

  it('libretranslate: JSON body with api_key; livetranslate: falls back to /translate on 404', async () => {
    const libre = await engineFake((r) =>
      r.path === '/translate' ? { json: { translatedText: 'Hola' } } : undefined,
    );
    started.fakes.push(libre);
    started.app = await startApp({
      TRANSLATION_SERVICE_URL: libre.url,
      TRANSLATION_SERVICE_KIND: 'libretranslate',
      TRANSLATION_API_KEY: 'lt-gw',
    });
    const engine = started.app.app.get<Engines>(ENGINES).translation;
    await expect(
      engine.translate({ text: 'Hello', sourceLanguage: 'en', targetLanguage: 'es' }),
    ).resolves.toMatchObject({
      translatedText: 'Hola',
      backend: 'libretranslate@translation-0',
    });
    expect(libre.requests.find((r) => r.path === '/translate')?.json).toEqual({
      q: 'Hello',
      source: 'en',
      target: 'es',
      format: 'text',
      api_key: 'lt-gw',
    });
    await started.app.close();

    const platform = await engineFake((r) =>
      r.method === 'POST' && r.path === '/translate'
        ? {
            json: {
              translated_text: 'Hola',
              source_language: 'en',
              target_language: 'es',
              confidence_score: 0.8,
            },
          }
        : undefined,
    );
    started.fakes.push(platform);
    started.app = await startApp({ TRANSLATION_SERVICE_URL: platform.url });
    const livetranslate = started.app.app.get<Engines>(ENGINES).translation;
    await expect(
      livetranslate.translate({ text: 'Hello', sourceLanguage: 'en', targetLanguage: 'es' }),
    ).resolves.toMatchObject({
      translatedText: 'Hola',
      confidence: 0.8,
    });
    expect(platform.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
      '/api/translate',
      '/translate',
    ]);
  });
});
