import { HealthIndicatorService } from '@nestjs/terminus';
import { Registry } from 'prom-client';
import { DomainEvents, type ActivityEvent } from '@app/common';
import { ConfigStore, loadConfig } from '@app/config';
import { BackendHealthIndicator } from './backend-health.indicator';
import { BackendHealthMonitor } from './backend-health-monitor';
import { HealthMetrics } from './health-metrics';
import type { Alert, InstanceHealth } from './health.types';
import { FakeGateway } from './testing/fake-gateway';

const START = Date.UTC(2026, 0, 1);

function setup() {
  const events = new DomainEvents();
  const configStore = new ConfigStore(loadConfig({ env: { CONFIG_FILE: '' }, cwd: '/nonexistent' }), events);
  const gateway = new FakeGateway();
  const metricsRegistry = new Registry();
  const clock = { now: START };
  const monitor = new BackendHealthMonitor(
    configStore,
    gateway,
    new BackendHealthIndicator(new HealthIndicatorService(), gateway),
    events,
    new HealthMetrics(metricsRegistry),
    () => clock.now,
  );
  const alerts: Alert[] = [];
  const changes: { instance: InstanceHealth; previous: string }[] = [];
  const activity: ActivityEvent[] = [];
  events.on('health.alert', (alert) => alerts.push(alert));
  events.on('health.changed', (change) => changes.push(change));
  events.on('activity', (entry) => activity.push(entry));
  return { monitor, gateway, configStore, clock, alerts, changes, activity, metricsRegistry };
}

function instance(monitor: BackendHealthMonitor, id: string): InstanceHealth {
  const found = monitor
    .services()
    .flatMap((service) => service.instances)
    .find((i) => i.instanceId === id);
  if (!found) throw new Error(`no instance ${id}`);
  return found;
}

describe('BackendHealthMonitor', () => {
  it('reports unknown before the first check, then up with response time and the breaker state', async () => {
    const { monitor, gateway } = setup();
    gateway.addInstance('whisper', 'whisper-0').breaker = 'half_open';
    gateway.answerStatus('whisper-0', 200, { status: 'healthy' });
    expect(instance(monitor, 'whisper-0')).toMatchObject({
      status: 'unknown',
      lastCheck: null,
      uptimePercent: null,
    });
    await monitor.checkNow();
    expect(instance(monitor, 'whisper-0')).toMatchObject({
      status: 'up',
      responseTimeMs: 2,
      lastCheck: new Date(START).toISOString(),
      lastChange: new Date(START).toISOString(),
      consecutiveFailures: 0,
      uptimePercent: 100,
      circuit: 'half_open',
      inRotation: true,
    });
    expect(monitor.services().find((s) => s.service === 'whisper')?.status).toBe('up');
    expect(gateway.probes[0]).toMatchObject({ path: '/health', timeoutMs: 5000 });
  });

  it('takes a failing instance out of rotation, warns, and goes critical when the service has none left', async () => {
    const { monitor, gateway, alerts, changes, activity } = setup();
    gateway.addInstance('translation', 'translation-0');
    gateway.answerStatus('translation-0', 200);
    await monitor.checkNow();
    gateway.refuse('translation-0');
    await monitor.checkNow();

    expect(instance(monitor, 'translation-0')).toMatchObject({
      status: 'down',
      consecutiveFailures: 1,
      lastError: 'connect ECONNREFUSED',
      inRotation: false,
    });
    expect(gateway.healthChanges).toEqual([{ instanceId: 'translation-0', healthy: false }]);
    expect(changes.map((c) => [c.previous, c.instance.status])).toEqual([
      ['unknown', 'up'],
      ['up', 'down'],
    ]);
    expect(alerts.map((a) => a.level)).toEqual(['warning', 'critical']);
    expect(monitor.alerts().map((a) => a.level)).toEqual(['critical', 'warning']);
    expect(activity.filter((a) => a.source === 'health').map((a) => a.level)).toEqual(
      expect.arrayContaining(['warning', 'critical']),
    );
  });

  it('puts a recovered instance back into rotation and says so', async () => {
    const { monitor, gateway, alerts, clock } = setup();
    gateway.addInstance('speaker', 'speaker-0');
    gateway.refuse('speaker-0');
    await monitor.checkNow();
    clock.now += 20_000;
    gateway.answerStatus('speaker-0', 200);
    await monitor.checkNow();

    expect(gateway.healthChanges).toEqual([
      { instanceId: 'speaker-0', healthy: false },
      { instanceId: 'speaker-0', healthy: true },
    ]);
    expect(alerts[alerts.length - 1]).toMatchObject({
      level: 'recovered',
      instance: 'speaker-0',
      message: 'speaker is available again: speaker-0 is up after 20 s down',
    });
  });

  it('keeps a recovered instance out of rotation when auto_recovery is off', async () => {
    const { monitor, gateway, configStore } = setup();
    configStore.update({ monitoring: { auto_recovery: false } }, 'api');
    gateway.addInstance('speaker', 'speaker-0');
    gateway.refuse('speaker-0');
    await monitor.checkNow();
    gateway.answerStatus('speaker-0', 200);
    await monitor.checkNow();
    expect(instance(monitor, 'speaker-0')).toMatchObject({ status: 'up', inRotation: false });
    expect(gateway.healthChanges).toEqual([{ instanceId: 'speaker-0', healthy: false }]);
  });

  it('keeps one probe in flight per instance and does not let a hanging one hold up the others', async () => {
    const { monitor, gateway } = setup();
    gateway.addInstance('whisper', 'whisper-0');
    gateway.addInstance('whisper', 'whisper-1');
    let release: () => void = () => undefined;
    gateway.answer(
      'whisper-0',
      () => new Promise((_, reject) => (release = () => reject(new Error('timed out')))),
    );
    gateway.answerStatus('whisper-1', 200);

    const first = monitor.checkNow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(instance(monitor, 'whisper-1').status).toBe('up');
    await monitor.checkNow();
    expect(gateway.probes.filter((p) => p.instanceId === 'whisper-0')).toHaveLength(1);
    expect(gateway.probes.filter((p) => p.instanceId === 'whisper-1')).toHaveLength(2);

    release();
    await first;
    expect(instance(monitor, 'whisper-0')).toMatchObject({ status: 'down', lastError: 'timed out' });
  });

  it('computes uptime over time from the injected clock', async () => {
    const { monitor, gateway, clock } = setup();
    gateway.addInstance('whisper', 'whisper-0');
    gateway.answerStatus('whisper-0', 200);
    await monitor.checkNow();
    clock.now += 30_000;
    gateway.refuse('whisper-0');
    await monitor.checkNow();
    clock.now += 10_000;
    gateway.answerStatus('whisper-0', 200);
    await monitor.checkNow();
    clock.now += 60_000;
    // 30 s up, 10 s down, 60 s up
    expect(instance(monitor, 'whisper-0').uptimePercent).toBe(90);
  });

  it('falls back from /health to /v1/models for OpenAI-compatible servers and remembers it', async () => {
    const { monitor, gateway } = setup();
    gateway.addInstance('whisper', 'whisper-0', 'openai');
    gateway.answer('whisper-0', async (path) => ({
      status: path === '/v1/models' ? 200 : 404,
      headers: {},
      body: Buffer.from('{}'),
      durationMs: 1,
    }));
    await monitor.checkNow();
    await monitor.checkNow();
    expect(gateway.probes.map((p) => p.path)).toEqual(['/health', '/v1/models', '/v1/models']);
    expect(instance(monitor, 'whisper-0').status).toBe('up');
  });

  it('exports the gauge and histogram, and drops the series of a removed instance', async () => {
    const { monitor, gateway, metricsRegistry } = setup();
    gateway.addInstance('whisper', 'whisper-0', 'whisper-cpp');
    gateway.addInstance('whisper', 'whisper-1', 'whisper-cpp');
    gateway.answerStatus('whisper-0', 503, { status: 'loading model' });
    gateway.refuse('whisper-1');
    await monitor.checkNow();
    let text = await metricsRegistry.metrics();
    expect(text).toContain('orchestration_backend_up{service="whisper",backend_instance="whisper-0"} 0.5');
    expect(text).toContain('orchestration_backend_up{service="whisper",backend_instance="whisper-1"} 0');
    expect(text).toContain('orchestration_health_check_duration_seconds_count{service="whisper"} 2');

    gateway.removeInstance('whisper', 'whisper-1');
    await monitor.checkNow();
    text = await metricsRegistry.metrics();
    expect(text).not.toContain('backend_instance="whisper-1"');
    expect(monitor.services().find((s) => s.service === 'whisper')?.instances).toHaveLength(1);
  });

  it('checks at start, every interval, at a new interval after a config change, and not after stop', async () => {
    jest.useFakeTimers();
    try {
      const { monitor, gateway, configStore } = setup();
      gateway.addInstance('whisper', 'whisper-0');
      gateway.answerStatus('whisper-0', 200);
      const probes = () => gateway.probes.length;
      monitor.start();
      await jest.advanceTimersByTimeAsync(0);
      expect(probes()).toBe(1);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(probes()).toBe(2);

      configStore.update({ monitoring: { health_check_interval: 1 } }, 'api');
      await jest.advanceTimersByTimeAsync(0);
      expect(probes()).toBe(3);
      await jest.advanceTimersByTimeAsync(3_000);
      expect(probes()).toBe(6);
      // The probe timeout follows the interval down: 5 s configured, capped at 1 s.
      expect(gateway.probes[5].timeoutMs).toBe(1000);

      monitor.stop();
      await jest.advanceTimersByTimeAsync(5_000);
      expect(probes()).toBe(6);
    } finally {
      jest.useRealTimers();
    }
  });
});
