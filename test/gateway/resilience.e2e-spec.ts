import { request as httpRequest } from 'node:http';
import type { Registry } from 'prom-client';
import { DomainEvents, METRICS_REGISTRY, type ActivityEvent } from '@app/common';
import { GatewayStats, type BreakerTransitionEvent } from '@app/gateway';
import type { RunningApp } from '../support/app-harness';
import { startFakeBackends, type FakeBackend } from '../support/fake-backends';
import { rawRequest, startGatewayApp, tuneGateway } from './gateway-harness';
import { eventually } from '../support/eventually';

describe('gateway resilience policies', () => {
  let backends: FakeBackend[] = [];
  let running: RunningApp | undefined;

  async function boot(count: number, env: Record<string, string> = {}): Promise<[RunningApp, FakeBackend[]]> {
    backends = await startFakeBackends(count, 'whisper');
    running = await startGatewayApp({ whisper: backends.map((b) => b.url).join(',') }, env);
    return [running, backends];
  }

  afterEach(async () => {
    // Backends first: closing them ends any call still held there, which the app's close would wait for.
    await Promise.all(backends.map((b) => b.close()));
    await running?.close();
    running = undefined;
    backends = [];
  });

  it('answers 504 BACKEND_TIMEOUT when the backend does not answer in time', async () => {
    const [app, [backend]] = await boot(1, { GATEWAY_TIMEOUT: '0.3' });
    tuneGateway(app, { retries: 0 });
    backend.behaviour = 'stall';
    const started = Date.now();
    const answer = await rawRequest(app.url, 'GET', '/api/whisper/work');
    expect(answer.status).toBe(504);
    expect(answer.json()).toEqual({
      error: expect.objectContaining({ code: 'BACKEND_TIMEOUT', service: 'whisper' }),
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('opens the breaker after 3 consecutive failures, then answers CIRCUIT_OPEN in under 50 ms without calling the backend, and one probe closes it again', async () => {
    const [app, [backend]] = await boot(1);
    tuneGateway(app, { retries: 0, circuit_breaker_threshold: 3, circuit_breaker_reset_timeout: 0.4 });
    const transitions: BreakerTransitionEvent[] = [];
    const activity: ActivityEvent[] = [];
    app.app.get(DomainEvents).on('gateway.breaker', (event) => transitions.push(event));
    app.app.get(DomainEvents).on('activity', (event) => activity.push(event));
    backend.behaviour = 'fail';
    for (let i = 0; i < 3; i++)
      expect((await rawRequest(app.url, 'GET', '/api/whisper/work')).status).toBe(500);
    expect(transitions).toEqual([
      { service: 'whisper', instanceId: 'whisper-0', previous: 'closed', state: 'open' },
    ]);
    expect(activity).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        source: 'gateway',
        message: expect.stringMatching(/opened/),
      }),
    );

    const started = performance.now();
    const refused = await rawRequest(app.url, 'GET', '/api/whisper/work');
    expect(performance.now() - started).toBeLessThan(50);
    expect(refused.status).toBe(503);
    expect(refused.json()).toEqual({
      error: expect.objectContaining({ code: 'CIRCUIT_OPEN', service: 'whisper' }),
    });
    expect(backend.hits).toBe(3);
    const stats = await rawRequest(app.url, 'GET', '/api/gateway');
    const whisper = stats.json<{ services: { instances: { breaker: string }[] }[] }>().services[0];
    expect(whisper.instances[0].breaker).toBe('open');

    backend.behaviour = 'ok';
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await rawRequest(app.url, 'GET', '/api/whisper/work')).status).toBe(200);
    expect(backend.hits).toBe(4);
    expect(transitions.map((t) => t.state)).toEqual(['open', 'half_open', 'closed']);
    const metrics = await app.app.get<Registry>(METRICS_REGISTRY).metrics();
    expect(metrics).toContain(
      'orchestration_gateway_requests_total{service="whisper",backend_instance="none",outcome="circuit_open"} 1',
    );
    expect(metrics).toContain(
      'orchestration_gateway_breaker_state{service="whisper",backend_instance="whisper-0"} 0',
    );
  });

  it('answers 503 OVERLOADED with Retry-After once the instance is at its concurrency and its queue is full', async () => {
    const [app, [backend]] = await boot(1);
    tuneGateway(app, { retries: 0, max_concurrent_per_instance: 1, max_queue_per_instance: 1 });
    backend.behaviour = 'stall';
    const first = rawRequest(app.url, 'GET', '/api/whisper/work');
    await eventually('the first call at the backend', () => backend.hits === 1, { intervalMs: 5 });
    const queued = rawRequest(app.url, 'GET', '/api/whisper/work');
    const stats = app.app.get(GatewayStats);
    await eventually(
      'the second call to wait in the queue',
      () => stats.snapshot().services[0].inFlight === 2,
      { intervalMs: 5 },
    );
    const overflow = await rawRequest(app.url, 'GET', '/api/whisper/work');
    expect(overflow.status).toBe(503);
    expect(overflow.headers['retry-after']).toBe('1');
    expect(overflow.json()).toEqual({
      error: expect.objectContaining({ code: 'OVERLOADED', service: 'whisper' }),
    });
    expect(backend.hits).toBe(1);
    backend.behaviour = 'ok';
    backend.release();
    expect((await first).status).toBe(200);
    expect((await queued).status).toBe(200);
  });

  it('cancels the calls of clients that hang up, at the backend or queued (never sent), without counting them against it', async () => {
    const [app, [backend]] = await boot(1);
    tuneGateway(app, { retries: 0, max_concurrent_per_instance: 1, max_queue_per_instance: 1 });
    backend.behaviour = 'stall';
    const stats = app.app.get(GatewayStats);
    const inFlight = () => stats.snapshot().services[0].inFlight;
    const { hostname, port } = new URL(app.url);
    const hangingUp = () => {
      const call = httpRequest({ host: hostname, port, path: '/api/whisper/work' });
      call.on('error', () => undefined);
      call.end();
      return call;
    };
    const atBackend = hangingUp();
    await eventually('the first call at the backend', () => backend.hits === 1, { intervalMs: 5 });
    const queued = hangingUp();
    await eventually('the second call to wait in the queue', () => inFlight() === 2, { intervalMs: 5 });

    // cockatiel's bulkhead keeps a cancelled call's queue place until its turn, then drops it unsent.
    queued.destroy();
    atBackend.destroy();
    await eventually('both calls to be cancelled', () => inFlight() === 0, { intervalMs: 5 });
    expect(backend.hits).toBe(1);
    const instance = stats.snapshot().services[0].instances[0];
    expect(instance).toMatchObject({ errors: 0, breaker: 'closed' });

    backend.behaviour = 'ok';
    expect((await rawRequest(app.url, 'GET', '/api/whisper/work')).status).toBe(200);
  });

  it('sends a whisper-cpp instance one call at a time and queues the rest in the gateway', async () => {
    const [app, [backend]] = await boot(1, { WHISPER_SERVICE_KIND: 'whisper-cpp' });
    backend.behaviour = 'stall';
    const calls = [0, 1].map(() => rawRequest(app.url, 'POST', '/api/whisper/work', { body: '{}' }));
    const stats = app.app.get(GatewayStats);
    await eventually(
      'one call at the backend and one in flight',
      () => stats.snapshot().services[0].inFlight === 2 && backend.hits === 1,
      { intervalMs: 5 },
    );
    // Time enough for a second call to arrive, had it been sent.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(backend.hits).toBe(1);
    backend.behaviour = 'ok';
    backend.release();
    expect((await Promise.all(calls)).map((answer) => answer.status)).toEqual([200, 200]);
    expect(backend.hits).toBe(2);
  });

  it('never retries a POST, while a failing GET is retried', async () => {
    const [app, [backend]] = await boot(1);
    tuneGateway(app, { retries: 2, retry_base_delay_ms: 1, circuit_breaker_threshold: 10 });
    backend.behaviour = 'fail';
    expect((await rawRequest(app.url, 'POST', '/api/whisper/work', { body: '{}' })).status).toBe(500);
    expect(backend.hits).toBe(1);
    expect((await rawRequest(app.url, 'GET', '/api/whisper/work')).status).toBe(500);
    expect(backend.hits).toBe(1 + 3);
  });

  it('retries a failed GET on another instance when there is one', async () => {
    const [app, [broken, working]] = await boot(2);
    tuneGateway(app, { retries: 1, retry_base_delay_ms: 1, circuit_breaker_threshold: 10 });
    broken.behaviour = 'reset';
    for (let i = 0; i < 4; i++) {
      const answer = await rawRequest(app.url, 'GET', '/api/whisper/work');
      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ instance: working.name });
    }
    expect(broken.hits).toBe(2);
  });
});
