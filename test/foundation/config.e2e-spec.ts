import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DomainEvents } from '@app/common';
import { ConfigFileWatcher, ConfigStore } from '@app/config';
import { startApp, type RunningApp } from '../support/app-harness';

const ADMIN = { Authorization: 'Bearer admin-test-token' };

describe('configuration over REST', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({
      SECRET_KEY: 'do-not-leak-this',
      ADMIN_TOKEN: 'admin-test-token',
      GATEWAY_TIMEOUT: '30',
    });
  });
  afterAll(() => running.close());

  it('GET /api/config shows the running configuration without the secret or the admin token', async () => {
    const response = await request(running.url).get('/api/config').expect(200);
    expect(response.body.gateway.timeout).toBe(30);
    expect(response.body.services.whisper.instances[0].url).toBe('http://localhost:5001');
    expect(JSON.stringify(response.body)).not.toContain('do-not-leak-this');
    expect(JSON.stringify(response.body)).not.toContain('admin-test-token');
  });

  it('POST /api/config needs the admin token', async () => {
    const missing = await request(running.url)
      .post('/api/config')
      .send({ gateway: { timeout: 5 } })
      .expect(401);
    expect(missing.body.error.code).toBe('UNAUTHORIZED');
    const wrong = await request(running.url)
      .post('/api/config')
      .set({ Authorization: 'Bearer nope' })
      .send({ gateway: { timeout: 5 } })
      .expect(403);
    expect(wrong.body.error.code).toBe('FORBIDDEN');
    expect(running.app.get(ConfigStore).current.gateway.timeout).toBe(30);
  });

  it('an invalid POST /api/config answers 400 naming the fields and changes nothing', async () => {
    const before = (await request(running.url).get('/api/config')).body;
    const response = await request(running.url)
      .post('/api/config')
      .set(ADMIN)
      .send({ gateway: { timeout: 5, retries: 'many' }, websocket: { max_connections: -1 } })
      .expect(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.request_id).toEqual(expect.any(String));
    expect(response.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'gateway.retries',
      'websocket.max_connections',
    ]);
    expect((await request(running.url).get('/api/config')).body).toEqual(before);
  });

  it('a valid POST /api/config applies atomically and emits the config-changed event', async () => {
    const seen: string[][] = [];
    const stop = running.app
      .get(DomainEvents)
      .on('config.changed', (change) => seen.push(change.changedSections));
    const response = await request(running.url)
      .post('/api/config')
      .set(ADMIN)
      .send({ gateway: { timeout: 12 }, monitoring: { health_check_interval: 2 } })
      .expect(200);
    stop();
    expect(response.body.changed.sort()).toEqual(['gateway', 'monitoring']);
    expect(response.body.config.gateway.timeout).toBe(12);
    expect(seen).toEqual([expect.arrayContaining(['gateway', 'monitoring'])]);
    expect((await request(running.url).get('/api/config')).body.monitoring.health_check_interval).toBe(2);
  });

  it('applies a new log level at run time', async () => {
    const log = running.app.getHttpAdapter().getInstance().log;
    expect(log.level).toBe('warn');
    await request(running.url)
      .post('/api/config')
      .set(ADMIN)
      .send({ logging: { level: 'debug' } })
      .expect(200);
    expect(log.level).toBe('debug');
    await request(running.url)
      .post('/api/config')
      .set(ADMIN)
      .send({ logging: { level: 'warn' } })
      .expect(200);
    expect(log.level).toBe('warn');
  });

  it('answers malformed JSON with a 400 JSON error, never an HTML page', async () => {
    const response = await request(running.url)
      .post('/api/config')
      .set(ADMIN)
      .set('content-type', 'application/json')
      .send('{"gateway":')
      .expect(400);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body.error.code).toBe('BAD_REQUEST');
  });

  it('answers unknown routes with a 404 JSON error', async () => {
    const response = await request(running.url).get('/api/does-not-exist').expect(404);
    expect(response.body.error).toMatchObject({ code: 'NOT_FOUND', request_id: expect.any(String) });
  });

  it('serves the OpenAPI description of the REST routes', async () => {
    const response = await request(running.url).get('/api/docs/openapi.json').expect(200);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/api/config', '/api/settings', '/api/health']),
    );
    await request(running.url)
      .get('/api/docs')
      .expect(200, /swagger/i);
  });
});

describe('settings', () => {
  it('validates updates, rejects unknown fields and keeps settings across a restart with Redis', async () => {
    const env = { REDIS_URL: process.env.TEST_REDIS_URL, REDIS_KEY_PREFIX: `settings-test-${randomUUID()}:` };
    const first = await startApp(env);
    try {
      const defaults = await request(first.url).get('/api/settings').expect(200);
      expect(defaults.body.default_target_languages).toEqual(['es']);
      const bad = await request(first.url)
        .post('/api/settings')
        .send({ default_target_languages: ['Spanish'], colour: 'red' })
        .expect(400);
      expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'colour',
        'default_target_languages',
      ]);
      const saved = await request(first.url)
        .post('/api/settings')
        .send({ default_target_languages: ['fr', 'de'], enable_diarization: true })
        .expect(200);
      expect(saved.body).toMatchObject({
        default_target_languages: ['fr', 'de'],
        enable_diarization: true,
        enable_vad: true,
      });
    } finally {
      await first.close();
    }
    const second = await startApp(env);
    try {
      const restored = await request(second.url).get('/api/settings').expect(200);
      expect(restored.body).toMatchObject({
        default_target_languages: ['fr', 'de'],
        enable_diarization: true,
      });
    } finally {
      await second.close();
    }
  });
});

describe('hot reload of the YAML file', () => {
  it('applies a changed file when monitoring.hot_reload is on, and keeps the running config when the file breaks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lt-hot-'));
    const file = join(dir, 'orchestration.yaml');
    writeFileSync(file, 'monitoring: { hot_reload: true }\ngateway: { timeout: 30 }\n');
    const running = await startApp({ CONFIG_FILE: file });
    try {
      const store = running.app.get(ConfigStore);
      writeFileSync(file, 'monitoring: { hot_reload: true }\ngateway: { timeout: 9 }\n');
      expect(running.app.get(ConfigFileWatcher).reload()).toEqual(['gateway']);
      expect(store.current.gateway.timeout).toBe(9);
      writeFileSync(file, 'monitoring: { hot_reload: true }\ngateway: { timeout: -1 }\n');
      expect(running.app.get(ConfigFileWatcher).reload()).toEqual([]);
      expect(store.current.gateway.timeout).toBe(9);
      // The watcher itself notices an edit on disk (it polls every 500 ms).
      writeFileSync(file, 'monitoring: { hot_reload: true }\ngateway: { timeout: 4 }\n');
      const deadline = Date.now() + 5000;
      while (store.current.gateway.timeout !== 4 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(store.current.gateway.timeout).toBe(4);
    } finally {
      await running.close();
    }
  });
});
