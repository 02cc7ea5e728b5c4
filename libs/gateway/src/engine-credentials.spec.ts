import { engineCredential } from './engine-credentials';

describe('engine credentials', () => {
  it('gives each kind its key in the form it reads, and nothing without a key', () => {
    expect(engineCredential('whisper', 'openai', 'k')).toEqual({ headers: { authorization: 'Bearer k' } });
    expect(engineCredential('translation', 'libretranslate', 'k')).toEqual({
      headers: {},
      field: { name: 'api_key', value: 'k' },
    });
    for (const [service, kind] of [
      ['whisper', 'livetranslate'],
      ['whisper', 'whisper-cpp'],
      ['speaker', 'livetranslate'],
      ['translation', 'livetranslate'],
      ['translation', 'apertium'],
    ] as const) {
      expect(engineCredential(service, kind, 'k')).toEqual({ headers: {} });
    }
    expect(engineCredential('whisper', 'openai', undefined)).toEqual({ headers: {} });
  });

  it('refuses a kind the service does not have, rather than sending its key in no form', () => {
    expect(() => engineCredential('translation', 'openai', 'k')).toThrow(
      /translation has no engine kind "openai"/,
    );
  });
});
