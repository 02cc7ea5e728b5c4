import type { BackendServiceConfig } from '@app/config';
import { modelFor } from './model-choice';

const service = (
  model?: string,
  instanceModels: (string | undefined)[] = [undefined],
): BackendServiceConfig => ({
  kind: 'openai',
  model,
  instances: instanceModels.map((m, i) => ({ url: `http://127.0.0.1:${9000 + i}`, weight: 1, model: m })),
});

describe('model per engine kind', () => {
  it("gives the platform's model name (settings) only to the platform's own service", () => {
    const options = { platformModel: 'whisper-base' };
    expect(modelFor('livetranslate', service(), options)).toBe('whisper-base');
    expect(modelFor('openai', service(), options)).toBe('whisper-1');
    expect(modelFor('whisper-cpp', service(), options)).toBeUndefined();
  });

  it("prefers the instance's configured model, then the service's, and a call's own name over both", () => {
    const pool = service('large-v3', [undefined, 'distil-small']);
    expect(modelFor('openai', pool, { instanceId: 'whisper-0' })).toBe('large-v3');
    expect(modelFor('openai', pool, { instanceId: 'whisper-1' })).toBe('distil-small');
    expect(modelFor('livetranslate', pool, { instanceId: 'whisper-1', platformModel: 'whisper-base' })).toBe(
      'distil-small',
    );
    expect(modelFor('openai', pool, { instanceId: 'whisper-1', model: 'asked' })).toBe('asked');
    expect(modelFor('whisper-cpp', pool, { instanceId: 'whisper-1', model: 'asked' })).toBeUndefined();
  });
});
