import { BACKEND_ROUTER, GatewayStats, type BackendRouter, type InstanceStats } from '@app/gateway';
import { BackendHealthMonitor } from '../../libs/health/src/backend-health-monitor';
import { EngineSelection } from '../../libs/engines/src/engine-selection';
import type { RunningApp } from '../support/app-harness';
import { eventually } from '../support/eventually';
import { startFakeBackend, type FakeBackend } from '../support/fake-backends';
import { rawRequest, startGatewayApp, tuneGateway } from './gateway-harness';

/**
 * Model and language discovery asks an instance what it serves after each health check. It is a question
 * about the instance, not work for it: like the health probe it must not wait for or take the instance's
 * concurrency slot, touch its breaker, or show in its traffic figures.
 */
describe('capability discovery is not traffic', () => {
  let backend: FakeBackend;
  let running: RunningApp;

  beforeEach(async () => {
    backend = await startFakeBackend('whisper-0');
    running = await startGatewayApp({ whisper: backend.url });
  });
  afterEach(async () => {
    await backend.close();
    await running.close();
  });

  const instanceStats = (): InstanceStats =>
    running.app
      .get(GatewayStats)
      .snapshot()
      .services.find((s) => s.service === 'whisper')!.instances[0];

  /** A health check now, and the discovery that follows it answered (a fresh answer, not the boot's). */
  async function checkAndDiscover(): Promise<void> {
    const asked = Date.now();
    const { capabilities } = running.app.get(EngineSelection);
    const view = running.app.get<BackendRouter>(BACKEND_ROUTER).instances('whisper')[0];
    await running.app.get(BackendHealthMonitor).checkNow();
    await eventually(
      'the instance to answer the discovery that follows its health check',
      () => (capabilities.of(view)?.discoveredAt ?? 0) >= asked,
      { timeoutMs: 10000, intervalMs: 5 },
    );
  }

  it('asks an instance whose one slot is busy with a long call at once, and counts nothing', async () => {
    tuneGateway(running, { retries: 0, max_concurrent_per_instance: 1 });
    backend.behaviour = 'stall';
    const long = rawRequest(running.url, 'GET', '/api/whisper/work');
    await eventually('the long call at the backend', () => backend.hits === 1, { intervalMs: 5 });
    const before = instanceStats();
    expect(before).toMatchObject({ inFlight: 1, maxConcurrent: 1 });

    await checkAndDiscover();
    expect(instanceStats()).toMatchObject({ inFlight: 1, requests: before.requests });

    backend.behaviour = 'ok';
    backend.release();
    expect((await long).status).toBe(200);
    expect(instanceStats()).toMatchObject({ inFlight: 0, requests: backend.hits, errors: 0 });
  });

  it('does not reset the breaker: a discovery answered between two failures leaves it to open on the second', async () => {
    tuneGateway(running, { retries: 0, circuit_breaker_threshold: 2, circuit_breaker_reset_timeout: 60 });
    backend.behaviour = 'fail';
    expect((await rawRequest(running.url, 'GET', '/api/whisper/work')).status).toBe(500);
    await checkAndDiscover();
    expect((await rawRequest(running.url, 'GET', '/api/whisper/work')).status).toBe(500);

    const refused = await rawRequest(running.url, 'GET', '/api/whisper/work');
    expect(refused.status).toBe(503);
    expect(refused.json()).toEqual({ error: expect.objectContaining({ code: 'CIRCUIT_OPEN' }) });
    expect(backend.hits).toBe(2);
    expect(instanceStats()).toMatchObject({ breaker: 'open', errors: 2 });
  });
});
