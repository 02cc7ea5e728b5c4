import { BACKEND_REGISTRY, type BackendRegistry } from '@app/gateway';
import { ConfigStore } from '@app/config';
import type { RunningApp } from '../support/app-harness';
import { startFakeBackends, type FakeBackend } from '../support/fake-backends';
import { rawRequest, startGatewayApp } from './gateway-harness';

/** Sends `count` GETs, `concurrency` at a time (keep-alive), and returns how many each backend received. */
async function spread(
  running: RunningApp,
  backends: FakeBackend[],
  count: number,
  concurrency = 8,
): Promise<number[]> {
  const before = backends.map((b) => b.hits);
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      const answer = await fetch(`${running.url}/api/whisper/work`);
      expect(answer.status).toBe(200);
      await answer.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return backends.map((b, i) => b.hits - before[i]);
}

describe('gateway balancing', () => {
  let backends: FakeBackend[];
  let running: RunningApp;

  beforeAll(async () => {
    backends = await startFakeBackends(3, 'whisper');
    const [a, b, c] = backends.map((backend) => backend.url);
    running = await startGatewayApp({ whisper: `${a}|5,${b}|3,${c}|2` });
  });
  afterAll(async () => {
    await Promise.all(backends?.map((b) => b.close()) ?? []);
    await running?.close();
  });

  it('spreads 1,000 requests by weight (5:3:2) within 5%', async () => {
    const counts = await spread(running, backends, 1000);
    const shares = counts.map((count) => count / 1000);
    [0.5, 0.3, 0.2].forEach((expected, i) => expect(Math.abs(shares[i] - expected)).toBeLessThan(0.05));
  });

  it('reports the traffic per instance at GET /api/gateway', async () => {
    const answer = await rawRequest(running.url, 'GET', '/api/gateway');
    const whisper = answer
      .json<{
        services: {
          service: string;
          requests: number;
          instances: {
            id: string;
            weight: number;
            requests: number;
            errors: number;
            success_rate: number;
            latency_ms: { p50: number; p99: number };
            in_flight: number;
            breaker: string;
            healthy: boolean;
          }[];
        }[];
      }>()
      .services.find((s) => s.service === 'whisper');
    expect(whisper?.requests).toBe(backends.reduce((sum, b) => sum + b.hits, 0));
    expect(whisper?.instances.map((i) => [i.id, i.weight, i.requests])).toEqual(
      backends.map((b, i) => [`whisper-${i}`, [5, 3, 2][i], b.hits]),
    );
    for (const instance of whisper?.instances ?? []) {
      expect(instance).toMatchObject({
        errors: 0,
        success_rate: 1,
        in_flight: 0,
        breaker: 'closed',
        healthy: true,
      });
      expect(instance.latency_ms.p50).toBeGreaterThan(0);
      expect(instance.latency_ms.p99).toBeGreaterThanOrEqual(instance.latency_ms.p50);
    }
  });

  it('sends nothing to an instance marked unhealthy, and 503 BACKEND_UNAVAILABLE when none is healthy', async () => {
    const registry = running.app.get<BackendRegistry>(BACKEND_REGISTRY);
    const [a, b, c] = backends;
    // The backend agrees, in case the health monitor checks it meanwhile.
    b.healthy = false;
    registry.setInstanceHealth('whisper', 'whisper-1', false);
    try {
      const counts = await spread(running, backends, 100);
      expect(counts[1]).toBe(0);
      expect(counts[0] + counts[2]).toBe(100);
      expect(registry.instances('whisper').map((i) => i.healthy)).toEqual([true, false, true]);

      a.healthy = false;
      c.healthy = false;
      registry.setInstanceHealth('whisper', 'whisper-0', false);
      registry.setInstanceHealth('whisper', 'whisper-2', false);
      const before = backends.map((backend) => backend.hits);
      const answer = await rawRequest(running.url, 'GET', '/api/whisper/work');
      expect(answer.status).toBe(503);
      expect(answer.json()).toEqual({
        error: expect.objectContaining({ code: 'BACKEND_UNAVAILABLE', service: 'whisper' }),
      });
      expect(backends.map((backend) => backend.hits)).toEqual(before);
    } finally {
      backends.forEach((backend, i) => {
        backend.healthy = true;
        registry.setInstanceHealth('whisper', `whisper-${i}`, true);
      });
    }
  });

  it('applies new weights when the configuration changes at run time', async () => {
    const [a, b, c] = backends.map((backend) => backend.url);
    running.app.get(ConfigStore).update({ services: { whisper: { url: `${a}|1,${b}|1,${c}|2` } } }, 'api');
    expect(
      running.app
        .get<BackendRegistry>(BACKEND_REGISTRY)
        .instances('whisper')
        .map((i) => i.weight),
    ).toEqual([1, 1, 2]);
    expect(await spread(running, backends, 400)).toEqual([100, 100, 200]);
  });

  it('keeps the totals and starts a new window when stats_window_seconds changes', async () => {
    type Snapshot = { window_seconds: number; services: { requests: number; success_rate: number | null }[] };
    await rawRequest(running.url, 'POST', '/api/whisper/status/500');
    const before = (await rawRequest(running.url, 'GET', '/api/gateway')).json<Snapshot>();
    expect(before.services[0].success_rate).toBeLessThan(1);
    running.app.get(ConfigStore).update({ gateway: { stats_window_seconds: 60 } }, 'api');
    await fetch(`${running.url}/api/whisper/work`).then((answer) => answer.arrayBuffer());
    const after = (await rawRequest(running.url, 'GET', '/api/gateway')).json<Snapshot>();
    expect(after.window_seconds).toBe(60);
    expect(after.services[0].requests).toBe(before.services[0].requests + 1);
    expect(after.services[0].success_rate).toBe(1);
  });
});
