import type { ProbeResult } from '@app/gateway';
import { classifyProbe, healthEndpoints } from './engine-health-endpoints';

function answer(status: number, body: unknown = ''): ProbeResult {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers: {}, body: Buffer.from(text), durationMs: 3 };
}

describe('healthEndpoints', () => {
  it.each([
    ['whisper', 'livetranslate', ['/health']],
    ['speaker', 'livetranslate', ['/health']],
    ['translation', 'livetranslate', ['/api/health']],
    ['translation', 'apertium', ['/listPairs']],
    ['translation', 'libretranslate', ['/health']],
    ['whisper', 'openai', ['/health', '/v1/models']],
    ['whisper', 'whisper-cpp', ['/health']],
  ] as const)('probes %s of kind %s at %j', (service, kind, paths) => {
    expect(healthEndpoints(service, kind)).toEqual(paths);
  });

  it('lets the configured health_endpoint replace the defaults', () => {
    expect(healthEndpoints('whisper', 'openai', '/ready')).toEqual(['/ready']);
  });
});

describe('classifyProbe', () => {
  it('counts any 2xx as up', () => {
    expect(classifyProbe('whisper', 'livetranslate', answer(200, { status: 'healthy' }))).toEqual({
      state: 'up',
      error: null,
    });
    expect(classifyProbe('translation', 'apertium', answer(204))).toEqual({ state: 'up', error: null });
  });

  it("reads whisper.cpp's 503 loading model as degraded, not down", () => {
    expect(classifyProbe('whisper', 'whisper-cpp', answer(503, { status: 'loading model' }))).toEqual({
      state: 'degraded',
      error: 'loading model',
    });
  });

  it('reads a 503 from the platform whisper service (not initialised) as down with its message', () => {
    expect(
      classifyProbe(
        'whisper',
        'livetranslate',
        answer(503, { status: 'error', message: 'model not loaded' }),
      ),
    ).toEqual({
      state: 'down',
      error: 'HTTP 503: model not loaded',
    });
  });

  it('reads a 503 loading model from another kind as down', () => {
    expect(classifyProbe('whisper', 'openai', answer(503, { status: 'loading model' })).state).toBe('down');
  });

  it('reads back-pressure (429) as degraded', () => {
    expect(classifyProbe('translation', 'libretranslate', answer(429, { error: 'Slowdown' })).state).toBe(
      'degraded',
    );
  });

  it('names the status alone when the body is not JSON', () => {
    expect(classifyProbe('translation', 'apertium', answer(500, '<html>boom</html>'))).toEqual({
      state: 'down',
      error: 'HTTP 500',
    });
  });
});
