import request from 'supertest';
import { DomainEvents } from '@app/common';
import type { Alert } from '@app/health';
import { startApp, type RunningApp } from '../support/app-harness';
import { scrape } from '../support/prometheus-scrape';
import {
  healthyBackend,
  startSwitchableBackend,
  type SwitchableBackend,
} from '../support/switchable-backend';
import { eventually } from '../support/eventually';
import { alerts, instanceState, statusOf } from './monitor-api';

const INTERVAL_MS = 1000;

/** Health checks answer per the test; every other path answers as the named instance would. */
function engine(name: string, health: () => 'ok' | 'failing' | 'hang' = () => 'ok') {
  return (path: string) => {
    if (path !== '/health') return { status: 200, json: { served_by: name } };
    const state = health();
    if (state === 'hang') return 'hang' as const;
    return state === 'ok'
      ? healthyBackend(path)
      : { status: 503, json: { status: 'error', message: 'model not initialised' } };
  };
}

describe('backend health monitor (1 s interval, real loopback backends, real Apertium)', () => {
  let running: RunningApp;
  let whisperA: SwitchableBackend;
  let whisperB: SwitchableBackend;
  let speaker: SwitchableBackend;
  let healthOfA: 'ok' | 'failing' | 'hang' = 'ok';
  const raised: Alert[] = [];

  beforeAll(async () => {
    [whisperA, whisperB, speaker] = await Promise.all([
      startSwitchableBackend(engine('A', () => healthOfA)),
      startSwitchableBackend(engine('B')),
      startSwitchableBackend(),
    ]);
    running = await startApp({
      HEALTH_CHECK_INTERVAL: String(INTERVAL_MS / 1000),
      WHISPER_SERVICE_URL: `${whisperA.url},${whisperB.url}`,
      SPEAKER_SERVICE_URL: speaker.url,
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
    });
    running.app.get(DomainEvents).on('health.alert', (alert) => raised.push(alert));
    await Promise.all([
      statusOf(running.url, 'whisper', 'whisper-0', 'up'),
      statusOf(running.url, 'whisper', 'whisper-1', 'up'),
      statusOf(running.url, 'speaker', 'speaker-0', 'up'),
      statusOf(running.url, 'translation', 'translation-0', 'up'),
    ]);
  });

  afterEach(async () => {
    healthOfA = 'ok';
    await speaker.start().catch(() => undefined);
    await Promise.all([
      statusOf(running.url, 'whisper', 'whisper-0', 'up'),
      statusOf(running.url, 'speaker', 'speaker-0', 'up'),
    ]);
  });

  afterAll(async () => {
    await running?.close();
    await Promise.all([whisperA, whisperB, speaker].map((backend) => backend?.stop()));
  });

  it('lists every service and instance with the agreed fields, probing each engine at its own path', async () => {
    const response = await request(running.url).get('/api/services').expect(200);
    expect(Object.keys(response.body.services).sort()).toEqual(['speaker', 'translation', 'whisper']);
    expect(response.body.services.whisper).toMatchObject({
      service: 'whisper',
      status: 'up',
      instances_healthy: 2,
      instances_total: 2,
    });
    const apertium = response.body.services.translation.instances[0];
    expect(apertium).toEqual({
      instance_id: 'translation-0',
      url: process.env.TEST_APERTIUM_URL,
      weight: 1,
      kind: 'apertium',
      priority: 0,
      status: 'up',
      response_time_ms: expect.any(Number),
      last_check: expect.any(String),
      last_change: expect.any(String),
      consecutive_failures: 0,
      uptime_percent: 100,
      circuit: 'closed',
      last_error: null,
      in_rotation: true,
      in_flight: 0,
      max_concurrent: 100,
      slots: 100,
      latency_ewma_ms: null,
      rtf_ewma: null,
    });
    expect(whisperB.requests).toContain('/health');
    expect(speaker.requests).toContain('/health');
  });

  it('marks a backend that goes away down within two intervals, critical, then recovered when it returns', async () => {
    raised.length = 0;
    await speaker.stop();
    const stoppedAt = Date.now();
    const down = await statusOf(running.url, 'speaker', 'speaker-0', 'down', 4 * INTERVAL_MS);
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(2 * INTERVAL_MS + 300);
    expect(down).toMatchObject({
      consecutive_failures: expect.any(Number),
      last_error: expect.stringMatching(/.+/),
    });

    const outage = await alerts(running.url);
    expect(outage.slice(0, 2).map((a) => [a.level, a.service, a.instance])).toEqual([
      ['critical', 'speaker', null],
      ['warning', 'speaker', 'speaker-0'],
    ]);

    const health = await request(running.url).get('/api/health').expect(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.services.speaker).toEqual({
      status: 'down',
      instances_healthy: 0,
      instances_total: 1,
    });
    const metrics = await scrape(running.url);
    expect(
      metrics.value('orchestration_backend_up', { service: 'speaker', backend_instance: 'speaker-0' }),
    ).toBe(0);
    expect(
      metrics.value('orchestration_backend_up', { service: 'whisper', backend_instance: 'whisper-1' }),
    ).toBe(1);
    expect(
      metrics.histogramCount('orchestration_health_check_duration_seconds', { service: 'speaker' }),
    ).toBeGreaterThan(0);

    await speaker.start();
    await statusOf(running.url, 'speaker', 'speaker-0', 'up', 3 * INTERVAL_MS);
    const [recovered] = await alerts(running.url, 1);
    expect(recovered).toMatchObject({ level: 'recovered', service: 'speaker', instance: 'speaker-0' });
    expect(raised.map((a) => a.level)).toEqual(['warning', 'critical', 'recovered']);
    await eventually('/api/health to be healthy again', async () => {
      const again = await request(running.url).get('/api/health').expect(200);
      return again.body.status === 'healthy' ? again.body : undefined;
    });
  });

  it('computes uptime from the time the instance spent down', async () => {
    const before = await instanceState(running.url, 'speaker', 'speaker-0');
    expect(before.uptime_percent).toBeGreaterThan(0);
    expect(before.uptime_percent).toBeLessThan(100);
    // A steady instance stays at 100 whatever happened to the others.
    expect((await instanceState(running.url, 'whisper', 'whisper-1')).uptime_percent).toBe(100);
  });

  it('sends no traffic to an instance while it is down and resumes once it recovers', async () => {
    healthOfA = 'failing';
    const down = await statusOf(running.url, 'whisper', 'whisper-0', 'down', 3 * INTERVAL_MS);
    expect(down.last_error).toBe('HTTP 503: model not initialised');

    const servedBy = async (): Promise<string[]> => {
      const answers: string[] = [];
      for (let i = 0; i < 8; i++) {
        const response = await request(running.url).get('/api/whisper/models').expect(200);
        answers.push(response.body.served_by as string);
      }
      return answers;
    };
    expect(new Set(await servedBy())).toEqual(new Set(['B']));

    healthOfA = 'ok';
    await statusOf(running.url, 'whisper', 'whisper-0', 'up', 3 * INTERVAL_MS);
    expect(await servedBy()).toContain('A');
    const [recovered] = await alerts(running.url, 1);
    expect(recovered).toMatchObject({ level: 'recovered', service: 'whisper', instance: 'whisper-0' });
  });

  it('keeps checking the other instances on schedule while one health endpoint hangs', async () => {
    healthOfA = 'hang';
    const hungAt = Date.now();
    const probesOfABefore = whisperA.requests.filter((path) => path === '/health').length;
    const checksOfB = new Set<string>();
    const down = await eventually(
      'the hanging instance to be down',
      async () => {
        const b = await instanceState(running.url, 'whisper', 'whisper-1');
        if (b.last_check) checksOfB.add(b.last_check);
        const a = await instanceState(running.url, 'whisper', 'whisper-0');
        return a.status === 'down' ? a : undefined;
      },
      { timeoutMs: 4 * INTERVAL_MS },
    );
    const elapsed = Date.now() - hungAt;
    expect(elapsed).toBeLessThanOrEqual(2 * INTERVAL_MS + 500);
    expect(down.last_error).toMatch(/no answer within|timeout|timed out/i);
    // B was checked on every tick while A hung: at least once per interval, never held back by A.
    expect(checksOfB.size).toBeGreaterThanOrEqual(Math.floor(elapsed / INTERVAL_MS));
    await expect(instanceState(running.url, 'whisper', 'whisper-1')).resolves.toMatchObject({ status: 'up' });

    // One probe at a time: no more probes of A than intervals elapsed, however long each one hangs.
    await new Promise((resolve) => setTimeout(resolve, 2 * INTERVAL_MS));
    const probesOfA = whisperA.requests.filter((path) => path === '/health').length - probesOfABefore;
    expect(probesOfA).toBeLessThanOrEqual(Math.ceil((Date.now() - hungAt) / INTERVAL_MS) + 1);
  });
});
