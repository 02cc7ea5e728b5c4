import { startApp, type RunningApp } from '../support/app-harness';
import { startFakeEngine, type FakeEngineServer } from '../support/fake-engine-server';
import { NOWHERE, rawRequest } from '../gateway/gateway-harness';

/** What Apertium APY and many engines send on every answer. */
const PERMISSIVE_CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-credentials': 'true',
  'access-control-allow-headers': '*',
};

const ALLOWED = 'https://app.example';
const REFUSED = 'https://evil.example';

describe('proxy: CORS and credentials stop at the orchestrator', () => {
  let whisper: FakeEngineServer;
  let translation: FakeEngineServer;
  let running: RunningApp;

  beforeAll(async () => {
    whisper = await startFakeEngine(() => ({
      json: { data: [{ id: 'whisper-1' }] },
      headers: PERMISSIVE_CORS,
    }));
    translation = await startFakeEngine((request) => ({
      json:
        request.path === '/languages'
          ? [{ code: 'en', name: 'English', targets: ['es'] }]
          : { translatedText: 'hola' },
      headers: PERMISSIVE_CORS,
    }));
    running = await startApp({
      WHISPER_SERVICE_URL: whisper.url,
      WHISPER_SERVICE_KIND: 'openai',
      WHISPER_API_KEY: 'whisper-engine-key',
      TRANSLATION_SERVICE_URL: translation.url,
      TRANSLATION_SERVICE_KIND: 'libretranslate',
      TRANSLATION_API_KEY: 'libretranslate-engine-key',
      SPEAKER_SERVICE_URL: NOWHERE,
      HEALTH_CHECK_INTERVAL: '3600',
      RATE_LIMIT_PROXY: '0',
      API_KEYS: 'gateway-key',
      CORS_ORIGINS: ALLOWED,
    });
  });

  afterAll(async () => {
    await running?.close();
    await whisper?.close();
    await translation?.close();
  });

  const lastWhisperCall = () => whisper.requests[whisper.requests.length - 1];
  const lastTranslationCall = () => translation.requests[translation.requests.length - 1];

  it("drops the backend's Access-Control-* headers: a refused origin cannot read a proxied answer", async () => {
    const answer = await rawRequest(running.url, 'GET', '/api/whisper/v1/models', {
      headers: { origin: REFUSED, 'x-api-key': 'gateway-key' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    expect(answer.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('answers an allowed origin with its own policy, not the backend wildcard', async () => {
    const answer = await rawRequest(running.url, 'GET', '/api/translation/languages', {
      headers: { origin: ALLOWED, 'x-api-key': 'gateway-key' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('applies the same policy to the preflight of a proxied route', async () => {
    const preflight = (origin: string) =>
      rawRequest(running.url, 'OPTIONS', '/api/translation/translate', {
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization, x-engine-kind',
        },
      });
    const allowed = await preflight(ALLOWED);
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(allowed.headers['access-control-allow-headers']).toMatch(/x-engine-kind/i);
    const refused = await preflight(REFUSED);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    // The preflight is answered by the orchestrator; the backend never sees it.
    expect(translation.requests.some((request) => request.method === 'OPTIONS')).toBe(false);
  });

  it("sends the engine its own key as a bearer token, never the gateway's (Authorization: Bearer from an OpenAI SDK)", async () => {
    const answer = await rawRequest(running.url, 'GET', '/api/whisper/v1/models', {
      headers: { authorization: 'Bearer gateway-key' },
    });
    expect(answer.status).toBe(200);
    expect(lastWhisperCall().headers.authorization).toBe('Bearer whisper-engine-key');
    expect(JSON.stringify(lastWhisperCall().headers)).not.toContain('gateway-key');
  });

  it('does not forward an X-API-Key either', async () => {
    await rawRequest(running.url, 'POST', '/api/whisper/v1/audio/transcriptions', {
      headers: { 'x-api-key': 'gateway-key', 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(16),
    });
    expect(lastWhisperCall().headers['x-api-key']).toBeUndefined();
    expect(lastWhisperCall().headers.authorization).toBe('Bearer whisper-engine-key');
  });

  it('gives LibreTranslate its key as the api_key member of a JSON body, and in the query otherwise', async () => {
    const translated = await rawRequest(running.url, 'POST', '/api/translation/translate', {
      headers: { authorization: 'Bearer gateway-key', 'content-type': 'application/json' },
      body: JSON.stringify({ q: 'hello', source: 'en', target: 'es', api_key: 'client-sent' }),
    });
    expect(translated.status).toBe(200);
    expect(translated.json()).toEqual({ translatedText: 'hola' });
    expect(lastTranslationCall().json).toEqual({
      q: 'hello',
      source: 'en',
      target: 'es',
      api_key: 'libretranslate-engine-key',
    });
    expect(lastTranslationCall().headers.authorization).toBeUndefined();

    await rawRequest(running.url, 'GET', '/api/translation/languages?x=1', {
      headers: { 'x-api-key': 'gateway-key' },
    });
    expect(lastTranslationCall().query.get('api_key')).toBe('libretranslate-engine-key');
    expect(lastTranslationCall().query.get('x')).toBe('1');
    expect(lastTranslationCall().headers['x-api-key']).toBeUndefined();
  });
});
