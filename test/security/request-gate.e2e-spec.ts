import { request as rawRequest } from 'node:http';
import { startApp, type RunningApp } from '../support/app-harness';
import { startSwitchableBackend } from '../support/switchable-backend';

/** One HTTP exchange with full control over the request line and headers (fetch normalises both). */
function exchange(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = rawRequest(
      `${url}${path}`,
      { method: options.method ?? 'GET', headers: options.headers },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('request gate: API keys, rate limits and input limits', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({
      API_KEYS: 'key-one,key-two',
      ADMIN_TOKEN: 'admin-secret',
      RATE_LIMIT_PROXY: '5',
      RATE_LIMIT_ADMIN: '2',
      RATE_LIMIT_API: '1000',
      RATE_LIMIT_WINDOW: '30',
      MAX_URL_LENGTH: '1024',
      MAX_HEADER_BYTES: '8192',
    });
  });
  afterAll(() => running.close());

  it('refuses proxy routes without an API key with 401 JSON and a Bearer challenge', async () => {
    const response = await fetch(`${running.url}/api/whisper/health`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    const body = (await response.json()) as { error: { code: string; request_id: string } };
    expect(body.error.code).toBe('UNAUTHORIZED');
    expect(body.error.request_id).toBe(response.headers.get('x-request-id'));
  });

  it('refuses a wrong API key with 403 on the pipeline routes', async () => {
    const response = await fetch(`${running.url}/api/pipeline/stats`, { headers: { 'x-api-key': 'nope' } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });

  it('lets a valid key through in either header, and leaves other routes open', async () => {
    const variants: Record<string, string>[] = [
      { 'x-api-key': 'key-one' },
      { authorization: 'Bearer key-two' },
    ];
    for (const headers of variants) {
      const response = await fetch(`${running.url}/api/translation/languages`, { headers });
      expect([401, 403, 429]).not.toContain(response.status);
    }
    expect((await fetch(`${running.url}/api/health/live`)).status).toBe(200);
  });

  it('answers 429 with Retry-After once a key uses up its proxy budget, without touching other keys', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 7; i += 1) {
      const response = await fetch(`${running.url}/api/speaker/health`, {
        headers: { 'x-api-key': 'key-two' },
      });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    // key-two spent one request in the previous test, so 4 more fit in its budget of 5.
    expect(statuses.filter((status) => status === 429)).toHaveLength(3);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited?.headers.get('retry-after'))).toBeLessThanOrEqual(30);
    expect(limited?.headers.get('ratelimit-remaining')).toBe('0');
    const body = (await limited?.json()) as { error: { code: string; retry_after_seconds: number } };
    expect(body.error.code).toBe('RATE_LIMITED');
    const other = await fetch(`${running.url}/api/speaker/health`, { headers: { 'x-api-key': 'key-one' } });
    expect(other.status).not.toBe(429);
  });

  it('limits the admin endpoints separately and more tightly', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${running.url}/api/settings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
        body: '{}',
      });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses).toEqual([403, 403, 429]);
    // Reading settings is an ordinary API route with its own, larger budget.
    expect((await fetch(`${running.url}/api/settings`)).status).toBe(200);
  });

  it('refuses an over-long URL with 414 and over-large headers with 431, both as JSON', async () => {
    const longUrl = await exchange(running.url, `/api/services?q=${'a'.repeat(2000)}`);
    expect(longUrl.status).toBe(414);
    expect(JSON.parse(longUrl.body).error.code).toBe('URI_TOO_LONG');
    const bigHeaders = await exchange(running.url, '/api/health/live', {
      headers: { 'x-filler': 'b'.repeat(10000) },
    });
    expect(bigHeaders.status).toBe(431);
    expect(JSON.parse(bigHeaders.body).error.code).toBe('HEADERS_TOO_LARGE');
  });

  it("answers a URL the router cannot decode with 400 in the error shape, not Fastify's own", async () => {
    const answer = await exchange(running.url, '/api/%zz%');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatchObject({
      code: 'BAD_REQUEST',
      request_id: expect.any(String),
    });
  });
});

describe('body limits', () => {
  let running: RunningApp;
  beforeAll(async () => {
    // Admin limits off: these requests are about size, not about rate.
    running = await startApp({ MAX_BODY_BYTES: '2048', RATE_LIMIT_ADMIN: '0' });
  });
  afterAll(() => running.close());

  it('refuses a JSON body over the limit with 413 JSON', async () => {
    const response = await fetch(`${running.url}/api/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(4096) }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { code: string; limit_bytes: number } };
    expect(body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.error.limit_bytes).toBe(2048);
  });

  it('refuses a chunked body (no Content-Length) over the limit with 413 JSON once it is read', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i += 1) controller.enqueue(new TextEncoder().encode(`"${'y'.repeat(1000)}",`));
        controller.close();
      },
    });
    const response = await fetch(`${running.url}/api/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('proxy body limit', () => {
  it('bounds a chunked upload streamed through the proxy at MAX_PROXY_BODY_BYTES with 413', async () => {
    const backend = await startSwitchableBackend();
    const running = await startApp({
      WHISPER_SERVICE_URL: backend.url,
      MAX_PROXY_BODY_BYTES: '4096',
      HEALTH_CHECK_INTERVAL: '3600',
    });
    try {
      const small = await fetch(`${running.url}/api/whisper/transcribe`, {
        method: 'POST',
        body: 'x'.repeat(1000),
      });
      expect(small.status).toBe(200);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 8; i += 1) controller.enqueue(new Uint8Array(1024));
          controller.close();
        },
      });
      const large = await fetch(`${running.url}/api/whisper/transcribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body,
        duplex: 'half',
      });
      expect(large.status).toBe(413);
      expect(((await large.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await running.close();
      await backend.stop();
    }
  });
});

describe('CORS', () => {
  it('sends no CORS headers when no origin is configured (same origin only)', async () => {
    const running = await startApp();
    try {
      const response = await fetch(`${running.url}/api/health/live`, {
        headers: { origin: 'https://evil.example' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await running.close();
    }
  });

  it('allows exactly the configured origins, preflight included', async () => {
    const running = await startApp({ CORS_ORIGINS: 'https://app.example,https://ops.example' });
    try {
      const allowed = await fetch(`${running.url}/api/health/live`, {
        headers: { origin: 'https://ops.example' },
      });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ops.example');
      const refused = await fetch(`${running.url}/api/health/live`, {
        headers: { origin: 'https://evil.example' },
      });
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${running.url}/api/whisper/transcribe`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-api-key',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-api-key');
    } finally {
      await running.close();
    }
  });
});
