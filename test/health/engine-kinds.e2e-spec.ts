import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { startSwitchableBackend, type SwitchableBackend } from '../support/switchable-backend';
import { instanceState, statusOf } from './monitor-api';

const ADMIN_TOKEN = 'health-test-admin-token';

describe('health monitor: engine kinds and run-time configuration', () => {
  let running: RunningApp;
  let whisperCpp: SwitchableBackend;
  let speaker: SwitchableBackend;
  let loading = true;

  beforeAll(async () => {
    whisperCpp = await startSwitchableBackend((path) =>
      path === '/health' && loading
        ? { status: 503, json: { status: 'loading model' } }
        : { status: 200, json: { status: 'ok' } },
    );
    speaker = await startSwitchableBackend((path) =>
      path === '/ready' ? { status: 200, json: {} } : { status: 404, json: { error: 'not found' } },
    );
    running = await startApp({
      HEALTH_CHECK_INTERVAL: '0.5',
      ADMIN_TOKEN,
      WHISPER_SERVICE_KIND: 'whisper-cpp',
      WHISPER_SERVICE_URL: whisperCpp.url,
      SPEAKER_SERVICE_URL: speaker.url,
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
    });
  });

  afterAll(async () => {
    await running?.close();
    await Promise.all([whisperCpp?.stop(), speaker?.stop()]);
  });

  it('reports whisper.cpp loading its model as degraded, kept in rotation, then up', async () => {
    const degraded = await statusOf(running.url, 'whisper', 'whisper-0', 'degraded');
    expect(degraded).toMatchObject({
      last_error: 'loading model',
      in_rotation: true,
      consecutive_failures: 0,
    });
    const health = await request(running.url).get('/api/health').expect(200);
    expect(health.body.services.whisper.status).toBe('degraded');
    loading = false;
    await statusOf(running.url, 'whisper', 'whisper-0', 'up');
  });

  it('probes the configured health_endpoint, and a newly configured instance, after a run-time change', async () => {
    // The speaker answers only /ready: down at its default /health.
    await statusOf(running.url, 'speaker', 'speaker-0', 'down');
    const other = await startSwitchableBackend();
    try {
      await request(running.url)
        .post('/api/config')
        .set('authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ services: { speaker: { health_endpoint: '/ready', url: `${speaker.url},${other.url}` } } })
        .expect(200);
      await statusOf(running.url, 'speaker', 'speaker-0', 'up');
      const second = await statusOf(running.url, 'speaker', 'speaker-1', 'up');
      expect(second.url).toBe(other.url);
      expect(speaker.requests).toContain('/ready');
      expect(other.requests).toContain('/ready');
    } finally {
      await other.stop();
    }
    // Same id and URL: the instance keeps its history (its outage) across the change.
    expect((await instanceState(running.url, 'speaker', 'speaker-0')).uptime_percent).toBeLessThan(100);
  });

  it('documents /api/services, /api/alerts and /api/health in the OpenAPI document', async () => {
    const { body } = await request(running.url).get('/api/docs/openapi.json').expect(200);
    const ok = (path: string) =>
      body.paths[path].get.responses['200'].content['application/json'].schema.$ref;
    expect(ok('/api/services')).toBe('#/components/schemas/ServicesResponseDto');
    expect(ok('/api/alerts')).toBe('#/components/schemas/AlertsResponseDto');
    expect(ok('/api/health')).toBe('#/components/schemas/HealthResponseDto');
    expect(body.paths['/api/alerts'].get.parameters).toEqual([
      expect.objectContaining({ name: 'limit', in: 'query' }),
    ]);
    expect(Object.keys(body.components.schemas.InstanceHealthDto.properties)).toEqual(
      expect.arrayContaining(['status', 'response_time_ms', 'uptime_percent', 'circuit', 'last_error']),
    );
  });

  it('refuses an alerts limit that is not a whole number from 1 to 10000', async () => {
    for (const limit of ['0', 'abc', '10001']) {
      const response = await request(running.url).get('/api/alerts').query({ limit }).expect(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
    await request(running.url).get('/api/alerts').query({ limit: '1' }).expect(200);
  });
});
