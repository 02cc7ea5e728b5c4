import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { startSwitchableBackend, type SwitchableBackend } from '../support/switchable-backend';

describe('GET /api/health (in-process drivers)', () => {
  let running: RunningApp;
  let backend: SwitchableBackend;
  beforeAll(async () => {
    // One healthy backend for all three services, so only the process checks decide the status.
    backend = await startSwitchableBackend();
    running = await startApp({
      WHISPER_SERVICE_URL: backend.url,
      SPEAKER_SERVICE_URL: backend.url,
      TRANSLATION_SERVICE_URL: backend.url,
    });
  });
  afterAll(async () => {
    await running?.close();
    await backend?.stop();
  });

  it('answers 200 healthy with process checks and echoes the request id', async () => {
    const response = await request(running.url).get('/api/health').set('x-request-id', 'req-123').expect(200);
    expect(response.headers['x-request-id']).toBe('req-123');
    expect(response.body.status).toBe('healthy');
    expect(response.body.checks.event_loop.status).toBe('up');
    expect(response.body.checks.memory.status).toBe('up');
    // The sampling resolution (20 ms) is not counted as delay: an idle loop reads about 0.2 ms on a quiet
    // machine; the bound leaves room for the scheduling delay of a fully loaded one.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idle = await request(running.url).get('/api/health').expect(200);
    expect(idle.body.checks.event_loop).toMatchObject({ status: 'up', p50_ms: expect.any(Number) });
    expect(idle.body.checks.event_loop.p50_ms).toBeLessThan(10);
    expect(response.body.checks.redis).toBeUndefined();
    expect(Object.keys(response.body.services).sort()).toEqual(['speaker', 'translation', 'whisper']);
  });

  it('answers liveness and readiness', async () => {
    await request(running.url).get('/api/health/live').expect(200, /alive/);
    const ready = await request(running.url).get('/api/health/ready').expect(200);
    expect(ready.body.status).toBe('ready');
  });
});

async function settlesWithin<T>(promise: Promise<T>, ms: number, failure: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(failure)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('GET /api/health (Redis)', () => {
  it('includes Redis and turns unhealthy and not ready when Redis is unreachable', async () => {
    const up = await startApp({ REDIS_URL: process.env.TEST_REDIS_URL });
    try {
      const response = await request(up.url).get('/api/health').expect(200);
      expect(response.body.checks.redis.status).toBe('up');
    } finally {
      await up.close();
    }
    // Orchestrators probe readiness while Redis is out, so start-up must not wait for Redis.
    const down = await settlesWithin(
      startApp({ REDIS_URL: 'redis://127.0.0.1:1' }),
      15_000,
      'the app did not finish starting while Redis was unreachable, so /api/health/ready cannot answer 503',
    );
    try {
      const health = await request(down.url).get('/api/health').expect(503);
      expect(health.body.status).toBe('unhealthy');
      expect(health.body.checks.redis.status).toBe('down');
      await request(down.url).get('/api/health/ready').expect(503);
      await request(down.url).get('/api/health/live').expect(200);
      // Scrapes answer during the outage too: collectors that read Redis are bounded.
      const scrape = await request(down.url).get('/metrics').expect(200);
      expect(scrape.text).toContain('orchestration_http_requests_total');
    } finally {
      await down.close();
    }
  });
});
