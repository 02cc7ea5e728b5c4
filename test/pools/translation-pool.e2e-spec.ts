import { startApp, type RunningApp } from '../support/app-harness';
import type { FakeEngineServer } from '../support/fake-engine-server';
import { startMixedTranslationPool } from '../support/libretranslate-fake';
import { eventually } from '../support/eventually';

interface AnswerBody {
  via?: string;
  error?: { code: string; message: string; available_pairs?: unknown[] };
  [field: string]: unknown;
}

interface ServicesBody {
  services: { translation: { instances: { kind: string; status: string }[] } };
}

async function post(
  app: RunningApp,
  path: string,
  body: unknown,
): Promise<{ status: number; body: AnswerBody }> {
  const response = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as AnswerBody };
}

/**
 * One translation pool of the real Apertium (eng↔spa) and a LibreTranslate-shaped engine (en↔fr): each pair
 * goes to the engine that serves it, es→fr goes through English, en→de is refused with what is served, and
 * with one engine gone the other's pairs keep working.
 */
describe('a mixed translation pool', () => {
  let app: RunningApp;
  let libre: FakeEngineServer;

  beforeAll(async () => {
    ({ app, libre } = await startMixedTranslationPool());
  });

  afterAll(async () => {
    await app.close();
    await libre.close();
  });

  it('sends each pair to the engine that serves it', async () => {
    const spanish = await post(app, '/api/translate', {
      text: 'Hello world',
      source_lang: 'en',
      target_lang: 'es',
    });
    expect(spanish).toEqual({
      status: 200,
      body: expect.objectContaining({
        translated_text: 'Hola Mundo',
        source_lang: 'en',
        target_lang: 'es',
        backend: 'apertium@translation-0',
      }),
    });
    expect(spanish.body.via).toBeUndefined();
    const french = await post(app, '/api/translate', {
      text: 'Hello world',
      source_lang: 'en',
      target_lang: 'fr',
    });
    expect(french.body).toMatchObject({
      translated_text: '[fr] Hello world',
      backend: 'libretranslate@translation-1',
    });
    expect(
      libre.requests.filter((r) => r.path === '/translate').map((r) => JSON.parse(r.body.toString()).target),
    ).toEqual(['fr']);
  });

  it('translates es→fr through English and says so', async () => {
    const answer = await post(app, '/api/translate', {
      text: 'Hola mundo',
      source_lang: 'es',
      target_lang: 'fr',
    });
    expect(answer).toEqual({
      status: 200,
      body: expect.objectContaining({
        translated_text: '[fr] Hello World',
        source_lang: 'es',
        target_lang: 'fr',
        via: 'en',
        backend: 'apertium@translation-0+libretranslate@translation-1',
      }),
    });
  });

  it('refuses a pair nobody serves with 422 naming it and listing what is served', async () => {
    const answer = await post(app, '/api/translate', { text: 'Hello', source_lang: 'en', target_lang: 'de' });
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({
      code: 'UNSUPPORTED_LANGUAGE_PAIR',
      message: expect.stringContaining('en→de'),
      source_lang: 'en',
      target_lang: 'de',
    });
    expect(answer.body.error?.available_pairs).toEqual(
      expect.arrayContaining([
        { source: 'en', target: 'es' },
        { source: 'en', target: 'fr' },
        { source: 'es', target: 'fr', via: 'en' },
      ]),
    );
  });

  it('lists the pool’s languages and pairs, direct and by pivot', async () => {
    const response = await fetch(`${app.url}/api/languages`);
    const body = (await response.json()) as {
      pivot_language: string;
      pairs: unknown[];
      languages: unknown[];
    };
    expect(body.pivot_language).toBe('en');
    expect(body.pairs).toEqual(
      expect.arrayContaining([
        { source: 'es', target: 'en' },
        { source: 'fr', target: 'en' },
        { source: 'fr', target: 'es', via: 'en' },
      ]),
    );
    expect(body.languages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'es', targets: expect.arrayContaining(['en', 'fr']) }),
      ]),
    );
  });

  it('shows each instance’s kind in /api/services', async () => {
    const body = (await (await fetch(`${app.url}/api/services`)).json()) as ServicesBody;
    expect(body.services.translation.instances.map((i) => i.kind)).toEqual(['apertium', 'libretranslate']);
  });

  it('refuses a request without target_lang naming the field', async () => {
    const answer = await post(app, '/api/translate', { text: 'Hello' });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.error)).toContain('target_lang');
  });

  it('keeps serving Apertium’s pairs while the LibreTranslate engine is down', async () => {
    await libre.close();
    const french = await post(app, '/api/translate', { text: 'Hello', source_lang: 'en', target_lang: 'fr' });
    expect(french.status).toBe(503);
    expect(french.body.error?.code).not.toBe('UNSUPPORTED_LANGUAGE_PAIR');
    await eventually('the LibreTranslate instance to be marked down', async () => {
      const services = (await (await fetch(`${app.url}/api/services`)).json()) as ServicesBody;
      return services.services.translation.instances[1].status === 'down';
    });
    for (let i = 0; i < 3; i++) {
      const spanish = await post(app, '/api/translate', {
        text: 'Good morning',
        source_lang: 'en',
        target_lang: 'es',
      });
      expect(spanish).toMatchObject({ status: 200, body: { backend: 'apertium@translation-0' } });
    }
  });
});

describe('mixed pool configuration', () => {
  it('refuses at start-up an entry of an unknown kind, naming the variable and the entry', async () => {
    await expect(
      startApp({
        TRANSLATION_SERVICE_URL: `apertium=${process.env.TEST_APERTIUM_URL},deepl=http://127.0.0.1:9`,
      }),
    ).rejects.toThrow('TRANSLATION_SERVICE_URL (services.translation.instances[1].kind)="deepl"');
  });
});
