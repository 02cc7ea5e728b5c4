import { engineCredential } from './engine-credentials';

describe('engine credentials', () => {
  it('gives each kind its key in the form it reads, and nothing without a key', () => {
    expect(engineCredential('openai', 'k')).toEqual({ headers: { authorization: 'Bearer k' } });
    expect(engineCredential('libretranslate', 'k')).toEqual({
      headers: {},
      field: { name: 'api_key', value: 'k' },
    });
    for (const kind of ['livetranslate', 'whisper-cpp', 'apertium']) {
      expect(engineCredential(kind, 'k')).toEqual({ headers: {} });
    }
    expect(engineCredential('openai', undefined)).toEqual({ headers: {} });
  });
});
