import type { RunningApp } from '../support/app-harness';
import type { FakeEngineServer } from '../support/fake-engine-server';
import { startMixedTranslationPool } from '../support/libretranslate-fake';

const API_KEY = 'libre-front-door-key';

/** A LibreTranslate client's call: JSON, or form-urlencoded as its web page and many scripts send. */
async function call(
  app: RunningApp,
  path: string,
  body: Record<string, unknown>,
  form = false,
): Promise<{ status: number; body: Record<string, unknown> & { error?: string } }> {
  const response = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form
      ? new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString()
      : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * LibreTranslate's API (as its documentation gives the requests) in front of the real Apertium (eng↔spa)
 * and a LibreTranslate-shaped engine (en↔fr) in one pool, with an API key that clients send in the body.
 */
describe('the LibreTranslate-compatible front door', () => {
  let app: RunningApp;
  let libre: FakeEngineServer;

  beforeAll(async () => {
    ({ app, libre } = await startMixedTranslationPool({ API_KEYS: API_KEY }));
  });

  afterAll(async () => {
    await app.close();
    await libre.close();
  });

  it('translates q to each pair’s engine, JSON or form, with the key in the body', async () => {
    expect(
      await call(app, '/translate', { q: 'Hello world', source: 'en', target: 'es', api_key: API_KEY }),
    ).toEqual({ status: 200, body: { translatedText: 'Hola Mundo' } });
    expect(
      await call(app, '/translate', { q: 'Hello', source: 'en', target: 'fr', api_key: API_KEY }, true),
    ).toEqual({ status: 200, body: { translatedText: '[fr] Hello' } });
  });

  it('translates a batch, by pivot where needed, and detects an auto source', async () => {
    const batch = await call(app, '/translate', {
      q: ['Hola mundo', 'Buenos días'],
      source: 'es',
      target: 'fr',
      api_key: API_KEY,
    });
    expect(batch).toEqual({
      status: 200,
      body: { translatedText: ['[fr] Hello World', expect.stringMatching(/^\[fr\] /)] },
    });
    const auto = await call(app, '/translate', {
      q: 'Good morning, how are you today?',
      source: 'auto',
      target: 'es',
      api_key: API_KEY,
    });
    expect(auto.status).toBe(200);
    expect(auto.body.detectedLanguage).toEqual({ language: 'en', confidence: expect.any(Number) });
    expect(auto.body.translatedText).toEqual(expect.stringContaining('Buenos'));
  });

  it('keeps HTML markup and translates the text in it', async () => {
    const html = await call(app, '/translate', {
      q: '<p>Hello <b>world</b></p>',
      source: 'en',
      target: 'es',
      format: 'html',
      api_key: API_KEY,
    });
    // Each text run is translated on its own (Apertium renders a lone "world" as "Mundial").
    expect(html).toEqual({
      status: 200,
      body: { translatedText: expect.stringMatching(/^<p>Hola <b>[^<>]+<\/b><\/p>$/) },
    });
  });

  it('lists languages with their targets, direct and by pivot, and detects a language', async () => {
    const response = await fetch(`${app.url}/languages?api_key=${API_KEY}`);
    const languages = (await response.json()) as { code: string; name: string; targets: string[] }[];
    expect(languages).toEqual(
      expect.arrayContaining([
        { code: 'es', name: 'Spanish', targets: ['en', 'fr'] },
        { code: 'en', name: 'English', targets: ['es', 'fr'] },
      ]),
    );
    const detected = await call(app, '/detect', {
      q: 'Buenos días, ¿cómo estás? Hoy hace mucho calor en la ciudad.',
      api_key: API_KEY,
    });
    expect(detected.status).toBe(200);
    expect((detected.body as unknown as { language: string; confidence: number }[])[0]).toEqual({
      language: 'es',
      confidence: expect.any(Number),
    });
  });

  it('refuses bad requests with LibreTranslate’s { error } naming the parameter', async () => {
    expect(await call(app, '/translate', { source: 'en', target: 'es', api_key: API_KEY })).toEqual({
      status: 400,
      body: { error: 'Invalid request: missing q parameter' },
    });
    expect(await call(app, '/translate', { q: 'x', source: 'en', api_key: API_KEY }, true)).toEqual({
      status: 400,
      body: { error: 'Invalid request: missing target parameter' },
    });
    const unserved = await call(app, '/translate', { q: 'x', source: 'en', target: 'de', api_key: API_KEY });
    expect(unserved.status).toBe(400);
    expect(unserved.body.error).toMatch(/^de is not supported/);
    const pair = await call(app, '/translate', { q: 'x', source: 'fr', target: 'es', api_key: API_KEY });
    expect(pair).toEqual({ status: 200, body: { translatedText: expect.any(String) } });
    expect(await call(app, '/translate', { q: 'x', source: 'en', target: 'es' })).toEqual({
      status: 401,
      body: { error: expect.stringContaining('api_key') },
    });
    expect(await call(app, '/translate', { q: 'x', source: 'en', target: 'es', api_key: 'nope' })).toEqual({
      status: 403,
      body: { error: 'The API key is not valid' },
    });
    expect((await fetch(`${app.url}/languages`)).status).toBe(401);
  });
});
