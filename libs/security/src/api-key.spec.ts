import { apiKeyId, presentedApiKey, verifyApiKey } from './api-key';

describe('API keys', () => {
  it('reads X-API-Key first, then a Bearer token', () => {
    expect(presentedApiKey({ 'x-api-key': ' k1 ', authorization: 'Bearer k2' })).toBe('k1');
    expect(presentedApiKey({ authorization: 'Bearer k2' })).toBe('k2');
    expect(presentedApiKey({ authorization: 'Basic abc' })).toBeUndefined();
    expect(presentedApiKey({})).toBeUndefined();
  });

  it('is open when no key is configured, and otherwise tells missing from invalid', () => {
    expect(verifyApiKey(undefined, [])).toEqual({ outcome: 'open' });
    expect(verifyApiKey(undefined, ['a'])).toEqual({ outcome: 'missing' });
    expect(verifyApiKey('b', ['a'])).toEqual({ outcome: 'invalid' });
    expect(verifyApiKey('a', ['x', 'a'])).toEqual({ outcome: 'accepted', keyId: apiKeyId('a') });
  });

  it('names a key by a hash that does not contain it', () => {
    expect(apiKeyId('super-secret-key')).toMatch(/^[0-9a-f]{16}$/);
    expect(apiKeyId('super-secret-key')).not.toContain('secret');
    expect(apiKeyId('a')).not.toBe(apiKeyId('b'));
  });
});
