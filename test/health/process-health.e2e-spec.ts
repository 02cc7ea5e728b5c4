import request from 'supertest';
import { startApp, type RunningApp } from './support/app-harness';

describe('GET /api/health (in-process drivers)', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.close());

  it('answers 200 healthy with process checks and echoes the request id', async () => {
    const response = await request(running.url).get('/api/health').set('x-request-id', 'req-123').expect(200);
    expect(response.headers['x-request-id']).toBe('req-123');
    expect(response.body.status).toBe('healthy');
    expect(response.body.checks.event_loop.status).toBe('up');
    expect(response.body.checks.memory.status).toBe('up');
    expect(response.body.checks.redis).toBeUndefined();
  });

  it('answers liveness and readiness', async () => {
    await request(running.url).get('/api/health/live').expect(200, /alive/);
    const ready = await request(running.url).get('/api/health/ready').expect(200);
    expect(ready.body.status).toBe('ready');
  });
});

describe('GET /api/health (Redis)', () => {
  it('includes Redis and turns unhealthy and not ready when Redis is unreachable', async () => {
    const up = await startApp({ REDIS_URL: process.env.TEST_REDIS_URL });
    try {
      const response = await request(up.url).get('/api/health').expect(200);
      expect(response.body.checks.redis.status).toBe('up');
    } finally {
      await up.close();
    }
    const down = await startApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const health = await request(down.url).get('/api/health').expect(503);
      expect(health.body.status).toBe('unhealthy');
      expect(health.body.checks.redis.status).toBe('down');
      await request(down.url).get('/api/health/ready').expect(503);
      await request(down.url).get('/api/health/live').expect(200);
    } finally {
      await down.close();
    }
  });
});
