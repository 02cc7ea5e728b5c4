import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { RunningApp } from '../support/app-harness';
import { patternChunk, startFakeBackend, type FakeBackend } from '../support/fake-backends';
import { NOWHERE, rawRequest, startGatewayApp } from './gateway-harness';
import { eventually } from '../support/eventually';

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

function patternHash(total: number): string {
  const hash = createHash('sha256');
  for (let offset = 0; offset < total; offset += CHUNK)
    hash.update(patternChunk(offset, Math.min(CHUNK, total - offset)));
  return hash.digest('hex');
}

describe('gateway proxy', () => {
  let backend: FakeBackend;
  let running: RunningApp;

  beforeAll(async () => {
    backend = await startFakeBackend('whisper');
    running = await startGatewayApp({ whisper: backend.url, speaker: `${backend.url}/speaker-base` });
  });
  afterAll(async () => {
    await backend?.close();
    await running?.close();
  });

  it('forwards method, path and query unchanged and passes the status and content type back', async () => {
    const deleted = await rawRequest(running.url, 'DELETE', '/api/whisper/items/a%20b?x=1&y=%2F..&z');
    expect(deleted.status).toBe(200);
    expect(deleted.json()).toEqual({
      instance: 'whisper',
      method: 'DELETE',
      url: '/items/a%20b?x=1&y=%2F..&z',
    });
    const teapot = await rawRequest(running.url, 'GET', '/api/whisper/status/418');
    expect(teapot.status).toBe(418);
    expect(teapot.headers['content-type']).toBe('application/json');
    const health = await rawRequest(running.url, 'GET', '/api/whisper/health');
    expect(health.json()).toEqual({ status: 'healthy' });
  });

  it("appends the rest of the path to the instance's base path", async () => {
    const answer = await rawRequest(running.url, 'PUT', '/api/speaker/api/health?v=2', { body: 'x' });
    expect(answer.json()).toMatchObject({ method: 'PUT', url: '/speaker-base/api/health?v=2' });
  });

  it('drops hop-by-hop headers and sets X-Forwarded-For/Proto/Host and X-Request-Id', async () => {
    const answer = await rawRequest(running.url, 'GET', '/api/whisper/echo', {
      headers: {
        connection: 'keep-alive, x-hop-secret',
        'keep-alive': 'timeout=5',
        'x-hop-secret': 'must not pass',
        'proxy-authorization': 'Basic Zm9vOmJhcg==',
        'x-custom': 'kept',
        'x-request-id': 'req-42',
        'x-forwarded-for': '10.0.0.1',
      },
    });
    const seen = answer.json<{ headers: Record<string, string> }>().headers;
    expect(seen['x-hop-secret']).toBeUndefined();
    expect(seen['keep-alive']).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(seen['x-custom']).toBe('kept');
    expect(seen['x-forwarded-for']).toBe('10.0.0.1, 127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe(new URL(running.url).host);
    expect(seen['x-request-id']).toBe('req-42');
    expect(answer.headers['x-request-id']).toBe('req-42');
  });

  it('streams a 20 MB upload: the backend reads it while the client is still sending, and the hashes match', async () => {
    const total = 20 * MB;
    const { hostname, port } = new URL(running.url);
    const answer = await new Promise<{ status: number; body: { bytes: number; sha256: string } }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            host: hostname,
            port,
            method: 'POST',
            path: '/api/whisper/echo',
            headers: { 'content-type': 'application/octet-stream', 'content-length': total },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
            );
          },
        );
        req.on('error', reject);
        const send = async () => {
          for (let offset = 0; offset < total; offset += CHUNK) {
            if (!req.write(patternChunk(offset, CHUNK))) await new Promise((r) => req.once('drain', r));
            // A gateway that buffered the body would pass nothing on before the client finished.
            if (offset === MB)
              await eventually('the first MB at the backend', () => backend.bytesReceived >= MB, {
                intervalMs: 5,
              });
          }
          req.end();
        };
        send().catch(reject);
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ...answer.body, bytes: total, sha256: patternHash(total) });
  });

  it('streams a 20 MB download: the client reads it while the backend is still sending, and the hashes match', async () => {
    const total = 20 * MB;
    const { hostname, port } = new URL(running.url);
    const received = await new Promise<{ bytes: number; sha256: string }>((resolve, reject) => {
      const noData = setTimeout(() => reject(new Error('no bytes before the backend finished')), 5000);
      httpRequest({ host: hostname, port, path: `/api/whisper/download?bytes=${total}&hold=1` }, (res) => {
        const hash = createHash('sha256');
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          // The backend holds the rest until the first bytes have reached the client.
          if (bytes === 0) {
            clearTimeout(noData);
            backend.release();
          }
          bytes += chunk.length;
          hash.update(chunk);
        });
        res.on('end', () => resolve({ bytes, sha256: hash.digest('hex') }));
      })
        .on('error', reject)
        .end();
    });
    expect(received).toEqual({ bytes: total, sha256: patternHash(total) });
  });

  it('passes a multipart upload through byte for byte (the global multipart parser does not touch it)', async () => {
    const form = new FormData();
    form.append('language', 'en');
    form.append('audio', new Blob([patternChunk(0, 3 * MB)]), 'speech.wav');
    const sent = new Request('http://x', { method: 'POST', body: form });
    const bytes = Buffer.from(await sent.arrayBuffer());
    const answer = await fetch(`${running.url}/api/whisper/echo`, {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': sent.headers.get('content-type') ?? '' },
    });
    const seen = (await answer.json()) as { bytes: number; sha256: string; headers: Record<string, string> };
    expect(seen.bytes).toBe(bytes.length);
    expect(seen.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(seen.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  });

  it.each([
    '/api/whisper/../admin',
    '/api/whisper/a/../../etc/passwd',
    '/api/whisper/%2e%2e/secret',
    '/api/whisper/%2E%2e%2fsecret',
    '/api/whisper/%252e%252e/secret',
    '/api/whisper//evil.example/x',
    '/api/whisper/http://evil.example/x',
    '/api/whisper/a%5c..%5csecret',
  ])('refuses %s with 400 BAD_PATH without calling the backend', async (path) => {
    const before = backend.hits;
    const answer = await rawRequest(running.url, 'GET', path);
    expect(answer.status).toBe(400);
    expect(answer.json()).toEqual({
      error: expect.objectContaining({
        code: 'BAD_PATH',
        service: 'whisper',
        request_id: expect.any(String),
      }),
    });
    expect(backend.hits).toBe(before);
  });

  it('answers 502 BAD_GATEWAY in JSON when the backend resets the connection', async () => {
    backend.behaviour = 'reset';
    try {
      const answer = await rawRequest(running.url, 'POST', '/api/whisper/work', { body: '{}' });
      expect(answer.status).toBe(502);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.json()).toEqual({
        error: expect.objectContaining({ code: 'BAD_GATEWAY', service: 'whisper' }),
      });
    } finally {
      backend.behaviour = 'ok';
    }
  });

  it('answers 503 BACKEND_UNAVAILABLE in JSON when nothing listens at the instance', async () => {
    const answer = await rawRequest(running.url, 'GET', '/api/translation/api/health');
    expect(answer.status).toBe(503);
    expect(answer.json()).toEqual({
      error: expect.objectContaining({ code: 'BACKEND_UNAVAILABLE', service: 'translation' }),
    });
  });
});

describe('gateway proxy body limit', () => {
  let backend: FakeBackend;
  let running: RunningApp;
  beforeAll(async () => {
    backend = await startFakeBackend('whisper');
    running = await startGatewayApp({ whisper: backend.url }, { MAX_PROXY_BODY_BYTES: String(64 * 1024) });
  });
  afterAll(async () => {
    await backend?.close();
    await running?.close();
  });

  it('refuses a declared oversized body with 413 before calling the backend', async () => {
    const answer = await rawRequest(running.url, 'POST', '/api/whisper/echo', {
      body: patternChunk(0, 100 * 1024),
    });
    expect(answer.status).toBe(413);
    expect(answer.json()).toEqual({ error: expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }) });
    expect(backend.hits).toBe(0);
  });

  it('cuts off a chunked body once it passes the limit and answers 413', async () => {
    const { hostname, port } = new URL(running.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: hostname, port, method: 'POST', path: '/api/whisper/echo' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 4; i++) req.write(patternChunk(0, 32 * 1024));
      req.end();
    });
    expect(status).toBe(413);
  });
});

describe('gateway proxy to the real Apertium APY', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startGatewayApp(
      { translation: process.env.TEST_APERTIUM_URL ?? NOWHERE },
      { TRANSLATION_SERVICE_KIND: 'apertium' },
    );
  });
  afterAll(() => running?.close());

  it('lists the installed pairs and translates through /api/translation/*', async () => {
    const pairs = await rawRequest(running.url, 'GET', '/api/translation/listPairs');
    expect(pairs.status).toBe(200);
    expect(
      pairs.json<{ responseData: { sourceLanguage: string; targetLanguage: string }[] }>().responseData,
    ).toContainEqual(expect.objectContaining({ sourceLanguage: 'eng', targetLanguage: 'spa' }));
    const translated = await rawRequest(
      running.url,
      'GET',
      '/api/translation/translate?langpair=eng%7Cspa&q=hello',
    );
    expect(translated.status).toBe(200);
    expect(
      translated.json<{ responseData: { translatedText: string } }>().responseData.translatedText,
    ).toMatch(/hola/i);
  });
});
