import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  nullable?: boolean;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

/**
 * The OpenAI- and LibreTranslate-compatible front doors answer errors in their own clients' shapes, not the
 * orchestrator's `{ error: { code, message, request_id } }`; the OpenAPI document must say so, route by
 * route, and what it says must be what they answer.
 */
describe('OpenAPI document of the front doors', () => {
  let running: RunningApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    running = await startApp({
      WHISPER_SERVICE_URL: 'http://127.0.0.1:1',
      TRANSLATION_SERVICE_URL: 'http://127.0.0.1:1',
    });
    doc = (await request(running.url).get('/api/docs/openapi.json').expect(200)).body as OpenApiDocument;
  });
  afterAll(() => running?.close());

  const resolve = (schema: Schema): Schema =>
    schema.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop()!]) : schema;

  /** The JSON schema documented for a route's answer with this status. */
  function answer(method: string, path: string, status: number): Schema {
    const response = doc.paths[path]?.[method]?.responses[String(status)];
    if (!response?.content) throw new Error(`${method.toUpperCase()} ${path} documents no ${status} answer`);
    return resolve(response.content['application/json'].schema);
  }

  const openAiError = (schema: Schema) => resolve(schema.properties!.error);

  it('documents every OpenAI-compatible error as { error: { message, type, param, code } }', () => {
    const statuses = {
      transcriptions: [400, 401, 403, 404, 413, 429, 502, 503, 504],
      models: [401, 429, 503],
    };
    for (const status of statuses.transcriptions) {
      const schema = answer('post', '/v1/audio/transcriptions', status);
      expect(Object.keys(openAiError(schema).properties!).sort()).toEqual([
        'code',
        'message',
        'param',
        'type',
      ]);
    }
    for (const status of statuses.models)
      expect(answer('get', '/v1/models', status).properties).toHaveProperty('error');
    expect(openAiError(answer('get', '/v1/models/{model}', 404)).properties!.param.nullable).toBe(true);
  });

  it('documents the OpenAI-compatible answers: json or verbose_json (or text), and the model list', () => {
    const transcription = answer('post', '/v1/audio/transcriptions', 200).oneOf!.map(resolve);
    expect(transcription.map((schema) => Object.keys(schema.properties!))).toEqual([
      expect.arrayContaining(['text']),
      expect.arrayContaining(['task', 'language', 'duration', 'text', 'segments', 'words']),
    ]);
    expect(doc.paths['/v1/audio/transcriptions'].post.responses['200'].content).toHaveProperty('text/plain');
    const list = answer('get', '/v1/models', 200);
    expect(Object.keys(resolve(list.properties!.data.items!).properties!)).toEqual([
      'id',
      'object',
      'created',
      'owned_by',
    ]);
  });

  it('documents every LibreTranslate-compatible error as { error: "<message>" }', () => {
    const routes: [string, string, number[]][] = [
      ['post', '/translate', [400, 401, 403, 429, 502, 503, 504]],
      ['get', '/languages', [401, 429, 503]],
      ['post', '/detect', [400, 401, 403, 429]],
    ];
    for (const [method, path, statuses] of routes) {
      for (const status of statuses) {
        expect(answer(method, path, status).properties).toEqual({
          error: expect.objectContaining({ type: 'string' }),
        });
      }
    }
  });

  it('documents the LibreTranslate-compatible answers', () => {
    expect(Object.keys(answer('post', '/translate', 200).properties!)).toEqual(
      expect.arrayContaining(['translatedText', 'detectedLanguage']),
    );
    expect(Object.keys(resolve(answer('get', '/languages', 200).items!).properties!)).toEqual([
      'code',
      'name',
      'targets',
    ]);
    expect(Object.keys(resolve(answer('post', '/detect', 200).items!).properties!)).toEqual([
      'confidence',
      'language',
    ]);
  });

  it('answers errors with exactly the documented fields', async () => {
    const openAi = await request(running.url)
      .post('/v1/audio/transcriptions')
      .send({ model: 'whisper-1' })
      .expect(400);
    const documented = openAiError(answer('post', '/v1/audio/transcriptions', 400));
    expect(Object.keys(openAi.body)).toEqual(['error']);
    expect(Object.keys(openAi.body.error).sort()).toEqual(Object.keys(documented.properties!).sort());
    expect(openAi.body.error).toMatchObject({ param: 'file', type: 'invalid_request_error' });
    // A route OpenAI has and this server does not is refused in OpenAI's shape too.
    const unserved = await request(running.url).post('/v1/audio/translations').expect(404);
    expect(Object.keys(unserved.body.error).sort()).toEqual(Object.keys(documented.properties!).sort());

    const libre = await request(running.url).post('/translate').send({ q: 'hi', source: 'en' }).expect(400);
    expect(Object.keys(libre.body)).toEqual(Object.keys(answer('post', '/translate', 400).properties!));
    expect(libre.body.error).toMatch(/target/);
  });
});
