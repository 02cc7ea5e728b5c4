import { loadConfig } from '@app/config';
import { bodyLimitFor } from './body-limits';
import { httpServerOptions } from './http-server-options';

const config = loadConfig({
  env: { MAX_BODY_BYTES: '2048', MAX_PROXY_BODY_BYTES: '10000000', HEADERS_TIMEOUT: '2' },
  cwd: '/nonexistent',
});
config.pipeline.maxAudioBytes = 3_000_000;

describe('per-route body limits', () => {
  it('gives proxy routes the proxy limit, the pipeline room for base64 audio, the rest the JSON limit', () => {
    expect(bodyLimitFor('/api/whisper/transcribe', config)).toBe(10_000_000);
    expect(bodyLimitFor('/api/pipeline/jobs', config)).toBe(4_000_000 + 64 * 1024);
    expect(bodyLimitFor('/api/settings', config)).toBe(2048);
    expect(bodyLimitFor('/api/whisperish', config)).toBe(2048);
  });

  it('lets the synchronous transcription routes take a file up to the audio cap, with its framing', () => {
    expect(bodyLimitFor('/v1/audio/transcriptions', config)).toBe(3_000_000 + 64 * 1024);
    expect(bodyLimitFor('/api/transcribe?x=1', config)).toBe(3_000_000 + 64 * 1024);
    expect(bodyLimitFor('/api/transcribes', config)).toBe(2048);
  });
});

describe('HTTP server options', () => {
  it('sets every timeout explicitly and checks them often enough to cut slow clients', () => {
    const options = httpServerOptions(config);
    expect(options.bodyLimit).toBe(2048);
    expect(options.http.headersTimeout).toBe(2000);
    expect(options.http.connectionsCheckingInterval).toBe(500);
    expect(options.requestTimeout).toBeGreaterThanOrEqual(2000);
    expect(options.keepAliveTimeout).toBe(72_000);
  });
});
