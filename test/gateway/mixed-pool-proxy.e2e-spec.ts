import { METRIC } from '@app/common';
import type { RunningApp } from '../support/app-harness';
import { startFakeEngine, type FakeEngineServer, type RecordedRequest } from '../support/fake-engine-server';
import { eventually } from '../support/eventually';
import { scrape } from '../support/prometheus-scrape';
import { rawRequest, startGatewayApp } from './gateway-harness';

const WAV = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(60)]);

function multipart(field: string, bytes: Buffer): { headers: Record<string, string>; body: Buffer } {
  const boundary = 'mixedpoolboundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="a.wav"\r\n` +
        'Content-Type: audio/wav\r\n\r\n',
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body };
}

/** The proxied requests an engine got: health checks and discovery come without X-Forwarded-For. */
const proxied = (engine: FakeEngineServer): RecordedRequest[] =>
  engine.requests.filter((request) => request.headers['x-forwarded-for'] !== undefined);
const paths = (engine: FakeEngineServer) => proxied(engine).map((request) => request.path);

/**
 * The generic proxy in pools that mix engine kinds (issue #18): a request in one kind's API goes only to
 * instances of that kind, fails over among them, and a request no kind of the pool serves is refused
 * naming the kinds that do. Speech-to-text: two OpenAI-compatible fakes and a whisper.cpp fake.
 * Translation: the real Apertium beside a LibreTranslate fake (CONTRACTS §4).
 */
describe('proxy routing by engine kind in mixed pools', () => {
  let openaiA: FakeEngineServer;
  let openaiB: FakeEngineServer;
  let whisperCpp: FakeEngineServer;
  let libre: FakeEngineServer;
  let libre2: FakeEngineServer;
  let running: RunningApp;
  const all = () => [openaiA, openaiB, whisperCpp, libre, libre2];
  const libreRequests = () => [...proxied(libre), ...proxied(libre2)];

  beforeAll(async () => {
    const openai = () =>
      startFakeEngine((request) =>
        request.path === '/v1/models'
          ? { json: { object: 'list', data: [{ id: 'whisper-1', object: 'model' }] } }
          : { json: { text: 'openai heard it', language: 'en', segments: [] } },
      );
    [openaiA, openaiB] = await Promise.all([openai(), openai()]);
    whisperCpp = await startFakeEngine(() => ({ json: { text: 'whisper.cpp heard it' } }));
    const libretranslate = () =>
      startFakeEngine((request) =>
        request.path === '/languages'
          ? { json: [{ code: 'en', name: 'English', targets: ['fr'] }] }
          : { json: { translatedText: 'bonjour' } },
      );
    [libre, libre2] = await Promise.all([libretranslate(), libretranslate()]);
    running = await startGatewayApp({
      whisper: `openai=${openaiA.url},openai=${openaiB.url},whisper-cpp=${whisperCpp.url}`,
      translation: `apertium=${process.env.TEST_APERTIUM_URL},libretranslate=${libre.url},libretranslate=${libre2.url}`,
    });
    // The boot-time health checks and capability discovery reach the fakes too; the tests count from after.
  });
  afterAll(async () => {
    await running?.close();
    await Promise.all(all().map((engine) => engine?.close()));
  });
  beforeEach(() => {
    for (const engine of all()) engine.requests.length = 0;
  });

  it('sends each request only to the kind whose API has its path', async () => {
    for (let i = 0; i < 4; i++) {
      const upload = multipart('file', WAV);
      const inference = await rawRequest(running.url, 'POST', '/api/whisper/inference', upload);
      expect(inference.status).toBe(200);
      expect(inference.json()).toEqual({ text: 'whisper.cpp heard it' });
      const models = await rawRequest(running.url, 'GET', '/api/whisper/v1/models');
      expect(models.json()).toMatchObject({ data: [{ id: 'whisper-1' }] });
    }
    expect(paths(whisperCpp)).toEqual(Array(4).fill('/inference'));
    expect([...paths(openaiA), ...paths(openaiB)]).toEqual(Array(4).fill('/v1/models'));
    // Both OpenAI-compatible instances share the kind's calls.
    expect(paths(openaiA).length).toBeGreaterThan(0);
    expect(paths(openaiB).length).toBeGreaterThan(0);
  });

  it('fails over within the kind: a failing OpenAI instance is replaced by the other, never by whisper.cpp', async () => {
    openaiA.handle(() => ({ status: 503, json: { error: 'overloaded' } }));
    try {
      for (let i = 0; i < 6; i++) {
        const models = await rawRequest(running.url, 'GET', '/api/whisper/v1/models');
        expect(models.status).toBe(200);
      }
      expect(paths(openaiB)).toEqual(Array(6).fill('/v1/models'));
      expect(paths(whisperCpp)).toEqual([]);
    } finally {
      openaiA.handle(() => ({ json: { object: 'list', data: [{ id: 'whisper-1', object: 'model' }] } }));
    }
  });

  it('refuses a path that only kinds outside the pool serve, naming the path and those kinds', async () => {
    const upload = multipart('audio', WAV);
    const answer = await rawRequest(running.url, 'POST', '/api/whisper/transcribe?language=en', upload);
    expect(answer.status).toBe(404);
    expect(answer.json()).toEqual({
      error: expect.objectContaining({
        code: 'ROUTE_NOT_SERVED',
        service: 'whisper',
        path: '/transcribe',
        kinds: ['livetranslate'],
        pool_kinds: ['openai', 'whisper-cpp'],
        message: expect.stringContaining('/transcribe is served by livetranslate'),
      }),
    });
    for (const engine of all()) expect(proxied(engine)).toEqual([]);
  });

  it('refuses a path no kind lists in a mixed pool, and sends it to the kind the client names', async () => {
    const refused = await rawRequest(running.url, 'POST', '/api/whisper/load');
    expect(refused.status).toBe(404);
    expect(refused.json<{ error: { message: string } }>().error.message).toContain(
      'X-Engine-Kind'.toLowerCase(),
    );

    const pinned = await rawRequest(running.url, 'POST', '/api/whisper/load', {
      headers: { 'x-engine-kind': 'whisper-cpp' },
    });
    expect(pinned.status).toBe(200);
    expect(paths(whisperCpp)).toEqual(['/load']);
    // The header is addressed to the orchestrator and stops there.
    expect(proxied(whisperCpp)[0].headers['x-engine-kind']).toBeUndefined();

    const unknown = await rawRequest(running.url, 'GET', '/api/whisper/health', {
      headers: { 'x-engine-kind': 'deepgram' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toMatchObject({
      error: {
        code: 'BAD_ENGINE_KIND',
        field: 'x-engine-kind',
        kinds: ['livetranslate', 'openai', 'whisper-cpp'],
      },
    });
  });

  it("tells LibreTranslate's /translate from Apertium's by the parameters, and both keep their own answers", async () => {
    const libreCall = await rawRequest(running.url, 'POST', '/api/translation/translate', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ q: 'hello', source: 'en', target: 'fr', format: 'text' }),
    });
    expect(libreCall.status).toBe(200);
    expect(libreCall.json()).toEqual({ translatedText: 'bonjour' });
    expect(libreRequests().map((request) => request.json)).toEqual([
      { q: 'hello', source: 'en', target: 'fr', format: 'text' },
    ]);

    const byQuery = await rawRequest(
      running.url,
      'GET',
      `/api/translation/translate?langpair=${encodeURIComponent('eng|spa')}&q=hello`,
    );
    expect(byQuery.status).toBe(200);
    expect(byQuery.json()).toMatchObject({
      responseData: { translatedText: expect.stringMatching(/hola/i) },
    });

    const byForm = await rawRequest(running.url, 'POST', '/api/translation/translate', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `langpair=${encodeURIComponent('eng|spa')}&q=friend`,
    });
    expect(byForm.status).toBe(200);
    expect(byForm.json()).toMatchObject({
      responseData: { translatedText: expect.stringMatching(/amigo/i) },
    });
    // Apertium's calls never reached the LibreTranslate fake.
    expect(libreRequests()).toHaveLength(1);
  });

  it('refuses a /translate that carries neither kind’s parameters, saying what each takes', async () => {
    const answer = await rawRequest(running.url, 'POST', '/api/translation/translate', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello', target_language: 'fr' }),
    });
    expect(answer.status).toBe(404);
    expect(answer.json()).toMatchObject({
      error: {
        code: 'ROUTE_NOT_SERVED',
        path: '/translate',
        params: { apertium: ['langpair'], libretranslate: ['q', 'target'] },
      },
    });
    expect(libreRequests()).toEqual([]);
  });

  it('repeats a translation POST on another LibreTranslate when one fails: the body is held, the work repeatable', async () => {
    libre2.handle((request) =>
      request.path === '/translate' ? { status: 503, json: { error: 'down' } } : { json: [] },
    );
    try {
      for (let i = 0; i < 4; i++) {
        const answer = await rawRequest(running.url, 'POST', '/api/translation/translate', {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ q: `hello ${i}`, source: 'en', target: 'fr' }),
        });
        expect(answer.status).toBe(200);
        expect(answer.json()).toEqual({ translatedText: 'bonjour' });
      }
      expect(proxied(libre).map((request) => (request.json as { q: string }).q)).toEqual([
        'hello 0',
        'hello 1',
        'hello 2',
        'hello 3',
      ]);
      expect(proxied(libre2).length).toBeGreaterThan(0);
    } finally {
      libre2.handle((request) =>
        request.path === '/languages' ? { json: [] } : { json: { translatedText: 'bonjour' } },
      );
    }
  });

  it("shows each instance's kind and each pool's kinds at GET /api/gateway", async () => {
    const snapshot = (await rawRequest(running.url, 'GET', '/api/gateway')).json<{
      services: { service: string; kinds: string[]; instances: { id: string; kind: string }[] }[];
    }>();
    const whisper = snapshot.services.find((service) => service.service === 'whisper');
    expect(whisper?.kinds).toEqual(['openai', 'whisper-cpp']);
    expect(whisper?.instances.map((instance) => [instance.id, instance.kind])).toEqual([
      ['whisper-0', 'openai'],
      ['whisper-1', 'openai'],
      ['whisper-2', 'whisper-cpp'],
    ]);
    const translation = snapshot.services.find((service) => service.service === 'translation');
    expect(translation?.kinds).toEqual(['apertium', 'libretranslate']);
  });

  it('counts proxied requests per engine kind and how the kind was chosen', async () => {
    await rawRequest(running.url, 'GET', '/api/translation/listPairs');
    await rawRequest(running.url, 'GET', '/api/whisper/nothing-here');
    const metrics = await scrape(running.url);
    const count = (labels: Record<string, string>) => metrics.value(METRIC.proxyRequests, labels);
    expect(count({ service: 'whisper', kind: 'whisper-cpp', routing: 'path' })).toBeGreaterThanOrEqual(4);
    expect(count({ service: 'whisper', kind: 'openai', routing: 'path' })).toBeGreaterThanOrEqual(10);
    expect(count({ service: 'whisper', kind: 'whisper-cpp', routing: 'pinned' })).toBe(1);
    expect(count({ service: 'translation', kind: 'apertium', routing: 'path' })).toBe(1);
    expect(count({ service: 'translation', kind: 'apertium', routing: 'params' })).toBe(2);
    expect(count({ service: 'translation', kind: 'libretranslate', routing: 'params' })).toBe(5);
    expect(count({ service: 'whisper', kind: 'none', routing: 'refused' })).toBeGreaterThanOrEqual(3);
    // A kind with no request yet is there at 0, so that rate() sees its first one.
    expect(
      metrics.series(METRIC.proxyRequests, {
        service: 'translation',
        kind: 'libretranslate',
        routing: 'pinned',
      }),
    ).toHaveLength(1);
  });

  it('moves a streamed upload to another instance of its kind when one is gone, before any byte was sent', async () => {
    // Its start-up health check is over, so the instance is still in rotation when it is gone: the gateway
    // finds out on the call. Last in this file: the instance stays down from here on.
    await eventually('the start-up check of whisper-0', async () => {
      const { services } = (await rawRequest(running.url, 'GET', '/api/services')).json<{
        services: Record<string, { instances: { instance_id: string; status: string }[] }>;
      }>();
      return (
        services.whisper.instances.find((instance) => instance.instance_id === 'whisper-0')?.status === 'up'
      );
    });
    await openaiA.close();
    const audio = Buffer.alloc(256 * 1024, 7);
    for (let i = 0; i < 4; i++) {
      const answer = await rawRequest(
        running.url,
        'POST',
        '/api/whisper/v1/audio/transcriptions',
        multipart('file', audio),
      );
      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ text: 'openai heard it' });
    }
    const received = proxied(openaiB).map((request) => {
      const file = request.fields.get('file');
      return typeof file === 'object' ? file.size : undefined;
    });
    expect(received).toEqual(Array(4).fill(audio.length));
    expect(paths(whisperCpp)).toEqual([]);
  });
});
