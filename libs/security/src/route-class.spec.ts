import { classifyRoute } from './route-class';

describe('classifyRoute', () => {
  it.each([
    ['GET', '/api/whisper/models', 'proxy'],
    ['POST', '/api/translation?x=1', 'proxy'],
    ['POST', '/api/pipeline/jobs', 'proxy'],
    ['POST', '/api/config', 'admin'],
    ['post', '/api/settings', 'admin'],
    ['DELETE', '/api/sessions/abc', 'admin'],
    ['GET', '/api/sessions/abc', 'api'],
    ['GET', '/api/config', 'api'],
    ['GET', '/api/whisperx', 'api'],
    ['GET', '/api/health/ready', 'exempt'],
    ['GET', '/metrics', 'exempt'],
    ['GET', '/socket.io/?EIO=4', 'exempt'],
    ['GET', '/', 'exempt'],
    ['POST', '/v1/audio/transcriptions', 'proxy'],
    ['GET', '/v1/models', 'proxy'],
    ['POST', '/translate', 'proxy'],
    ['GET', '/languages?api_key=k', 'proxy'],
    ['POST', '/detect', 'proxy'],
    ['GET', '/translated', 'exempt'],
  ])('%s %s is %s', (method, url, expected) => {
    expect(classifyRoute(method, url)).toBe(expected);
  });
});
