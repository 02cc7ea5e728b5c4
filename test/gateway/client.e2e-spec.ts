import { ApiError } from '@app/common';
import { BACKEND_CLIENT, type BackendClient } from '@app/gateway';
import type { RunningApp } from '../support/app-harness';
import { startFakeBackend, type FakeBackend } from '../support/fake-backends';
import { startGatewayApp, tuneGateway } from './gateway-harness';

describe('BACKEND_CLIENT (the typed client other modules use)', () => {
  let backend: FakeBackend;
  let running: RunningApp;
  let client: BackendClient;

  beforeAll(async () => {
    backend = await startFakeBackend('whisper');
    running = await startGatewayApp({ whisper: backend.url });
    client = running.app.get<BackendClient>(BACKEND_CLIENT);
  });
  afterAll(async () => {
    await backend?.close();
    await running?.close();
  });
  afterEach(() => {
    backend.behaviour = 'ok';
  });

  it('sends JSON with query and request id and returns the answer read in full', async () => {
    const answer = await client.request('whisper', {
      method: 'POST',
      path: '/echo',
      query: { language: 'en', skip: undefined, vad: true },
      json: { text: 'hello' },
      requestId: 'job-7',
    });
    expect(answer).toMatchObject({
      status: 200,
      ok: true,
      instanceId: 'whisper-0',
      instanceUrl: backend.url,
    });
    const seen = answer.json<{ url: string; bytes: number; headers: Record<string, string> }>();
    expect(seen.url).toBe('/echo?language=en&vad=true');
    expect(seen.bytes).toBe(Buffer.byteLength('{"text":"hello"}'));
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers['x-request-id']).toBe('job-7');
  });

  it('sends a FormData body as multipart (how the engines upload audio)', async () => {
    const form = new FormData();
    form.append('model', 'whisper-1');
    form.append('file', new Blob([Buffer.alloc(1000, 7)]), 'speech.wav');
    const answer = await client.request('whisper', { method: 'POST', path: '/echo', body: form });
    const seen = answer.json<{ bytes: number; headers: Record<string, string> }>();
    expect(seen.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen.bytes).toBeGreaterThan(1000);
  });

  it('retries a 5xx for idempotent calls and returns the last 5xx when retries run out', async () => {
    tuneGateway(running, { retries: 2, retry_base_delay_ms: 1, circuit_breaker_threshold: 10 });
    const before = backend.hits;
    const answer = await client.request('whisper', { method: 'GET', path: '/status/503' });
    expect(answer.status).toBe(503);
    expect(answer.ok).toBe(false);
    expect(backend.hits - before).toBe(3);
  });

  it('rejects with ApiError BACKEND_TIMEOUT when a call exceeds its own timeout', async () => {
    tuneGateway(running, { retries: 0 });
    backend.behaviour = 'stall';
    const call = client.request('whisper', { method: 'GET', path: '/work', timeoutMs: 100 });
    await expect(call).rejects.toBeInstanceOf(ApiError);
    await expect(call).rejects.toMatchObject({ code: 'BACKEND_TIMEOUT', status: 504 });
  });

  it('probes one instance directly, even while its breaker is open', async () => {
    tuneGateway(running, { retries: 0, circuit_breaker_threshold: 1, circuit_breaker_reset_timeout: 60 });
    backend.behaviour = 'fail';
    await client.request('whisper', { method: 'GET', path: '/work' });
    await expect(client.request('whisper', { method: 'GET', path: '/work' })).rejects.toMatchObject({
      code: 'CIRCUIT_OPEN',
    });
    const probe = await client.probe('whisper', 'whisper-0', '/health', { timeoutMs: 1000 });
    expect(probe.status).toBe(200);
    expect(JSON.parse(probe.body.toString())).toEqual({ status: 'healthy' });
    await expect(client.probe('whisper', 'whisper-9', '/health', { timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'UNKNOWN_INSTANCE',
    });
  });

  it('rejects a probe that outlives its timeout with BACKEND_TIMEOUT', async () => {
    backend.behaviour = 'stall';
    const started = Date.now();
    await expect(client.probe('whisper', 'whisper-0', '/work', { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'BACKEND_TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
