import { HealthIndicatorService } from '@nestjs/terminus';
import { BackendHealthIndicator, type ProbeTarget } from './backend-health.indicator';
import { FakeGateway } from './testing/fake-gateway';

const openai: ProbeTarget = {
  service: 'whisper',
  instanceId: 'whisper-0',
  kind: 'openai',
  paths: ['/health', '/v1/models'],
};

function setup() {
  const gateway = new FakeGateway();
  gateway.addInstance('whisper', 'whisper-0');
  return { gateway, indicator: new BackendHealthIndicator(new HealthIndicatorService(), gateway) };
}

describe('BackendHealthIndicator', () => {
  it('reports a terminus result keyed by instance, degraded as up with the state in the details', async () => {
    const { gateway, indicator } = setup();
    gateway.answerStatus('whisper-0', 503, { status: 'loading model' });
    const result = await indicator.check({ ...openai, kind: 'whisper-cpp', paths: ['/health'] }, 1000);
    expect(result).toEqual({
      'whisper-0': {
        status: 'up',
        service: 'whisper',
        state: 'degraded',
        path: '/health',
        response_time_ms: 2,
        message: 'loading model',
      },
    });
  });

  it('reports a rejected probe as down with its reason, never throwing', async () => {
    const { gateway, indicator } = setup();
    gateway.answer('whisper-0', () =>
      Promise.reject(Object.assign(new Error('aborted'), { name: 'TimeoutError' })),
    );
    const result = await indicator.check(openai, 800);
    expect(result['whisper-0']).toMatchObject({
      status: 'down',
      response_time_ms: null,
      message: 'no answer within 800 ms',
    });
  });

  it('gives the fallback path only what is left of the timeout', async () => {
    const { gateway, indicator } = setup();
    gateway.answer('whisper-0', async (path) => {
      if (path === '/health') await new Promise((resolve) => setTimeout(resolve, 200));
      return { status: path === '/health' ? 404 : 200, headers: {}, body: Buffer.from('{}'), durationMs: 1 };
    });
    await indicator.check(openai, 1000);
    const [first, second] = gateway.probes;
    expect(first.timeoutMs).toBe(1000);
    expect(second.timeoutMs).toBeLessThanOrEqual(810);
  });

  it('tries the other candidates when the remembered path stops being served', async () => {
    const { gateway, indicator } = setup();
    let modelsServed = true;
    gateway.answer('whisper-0', async (path) => ({
      status: path === '/v1/models' && modelsServed ? 200 : path === '/health' && !modelsServed ? 200 : 404,
      headers: {},
      body: Buffer.from('{}'),
      durationMs: 1,
    }));
    await indicator.check(openai, 1000);
    modelsServed = false;
    expect((await indicator.check(openai, 1000))['whisper-0'].state).toBe('up');
    expect((await indicator.check(openai, 1000))['whisper-0'].state).toBe('up');
    expect(gateway.probes.map((p) => p.path)).toEqual([
      '/health',
      '/v1/models',
      '/v1/models',
      '/health',
      '/health',
    ]);
  });
});
