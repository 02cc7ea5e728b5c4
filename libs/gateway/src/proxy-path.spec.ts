import { proxyPath } from './proxy-path';

const PREFIX = '/api/whisper';

describe('proxyPath', () => {
  it.each([
    ['/api/whisper/health', '/health'],
    ['/api/whisper', '/'],
    ['/api/whisper/', '/'],
    ['/api/whisper?x=1', '/?x=1'],
    ['/api/whisper/api/health?verbose=true&a=%2F..', '/api/health?verbose=true&a=%2F..'],
    ['/api/whisper/models/', '/models/'],
    ['/api/whisper/transcribe/whisper-base', '/transcribe/whisper-base'],
    ['/api/whisper/files/my%20file.wav', '/files/my%20file.wav'],
    ['/api/whisper/v1/models/x:predict', '/v1/models/x:predict'],
    ['/api/whisper/a.b/..c/...', '/a.b/..c/...'],
  ])('forwards %s as %s, unchanged', (raw, target) => {
    expect(proxyPath(raw, PREFIX)).toEqual({ ok: true, target });
  });

  it.each([
    ['/api/whisper/../admin', 'dot segment'],
    ['/api/whisper/a/../../etc/passwd', 'dot segment'],
    ['/api/whisper/./health', 'dot segment'],
    ['/api/whisper/..', 'dot segment'],
    ['/api/whisper/%2e%2e/secret', 'dot segment'],
    ['/api/whisper/%2E%2e/secret', 'dot segment'],
    ['/api/whisper/.%2e/secret', 'dot segment'],
    ['/api/whisper/%252e%252e/secret', 'dot segment'],
    ['/api/whisper/%25252e%25252e/secret', 'dot segment'],
    ['/api/whisper/%2525252e%2525252e/secret', 'malformed or nested percent-encoding'],
    ['/api/whisper/..%2fsecret', 'encoded separator or NUL in path'],
    ['/api/whisper/a%5c..%5c..', 'encoded separator or NUL in path'],
    ['/api/whisper/a\\..\\secret', 'backslash in path'],
    ['/api/whisper//evil.example/x', 'empty path segment (//)'],
    ['/api/whisper/a//b', 'empty path segment (//)'],
    ['/api/whisper/http://evil.example/x', 'absolute URL in path'],
    ['/api/whisper/http:%2F%2Fevil.example', 'encoded separator or NUL in path'],
    ['/api/whisper/file:etc', 'absolute URL in path'],
    ['/api/whisper/%zz', 'malformed or nested percent-encoding'],
    ['/api/whisper/a%00b', 'encoded separator or NUL in path'],
    ['/api/whisperx/health', 'not under the service prefix'],
    ['http://evil.example/api/whisper/health', 'not under the service prefix'],
  ])('refuses %s (%s)', (raw, reason) => {
    expect(proxyPath(raw, PREFIX)).toEqual({ ok: false, reason });
  });
});
