import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from './config-error';
import { loadConfig } from './config-loader';

/** A directory holding only the given YAML as config/orchestration.yaml (or nothing). */
function workspace(yaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lt-config-'));
  if (yaml !== undefined) {
    writeFileSync(join(dir, 'orchestration.yaml'), yaml);
  }
  return dir;
}

function load(env: Record<string, string>, yaml?: string) {
  const cwd = workspace(yaml);
  return loadConfig({ env: yaml === undefined ? env : { CONFIG_FILE: 'orchestration.yaml', ...env }, cwd });
}

function loadError(env: Record<string, string>, yaml?: string): ConfigValidationError {
  try {
    load(env, yaml);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('uses the documented defaults when there is no file and no environment', () => {
    const config = load({});
    expect(config.frontend).toMatchObject({ host: '0.0.0.0', port: 3000 });
    expect(config.websocket).toMatchObject({ maxConnections: 10000, connectionTimeout: 1800 });
    expect(config.gateway).toMatchObject({ timeout: 30, retries: 3, circuitBreakerThreshold: 5 });
    expect(config.monitoring.healthCheckInterval).toBe(10);
    expect(config.services.whisper.instances).toEqual([{ url: 'http://localhost:5001', weight: 1 }]);
    expect(config.services.speaker.instances[0].url).toBe('http://localhost:5002');
    expect(config.services.translation.instances[0].url).toBe('http://localhost:5003');
    expect(config.security.secretKey).toBe('change-me-in-production');
    expect(config.redis.url).toBeUndefined();
  });

  it('reads the YAML layout of the product description, snake_case keys included', () => {
    const config = load(
      {},
      [
        'frontend: { port: 4000 }',
        'websocket: { max_connections: 20, connection_timeout: 60, heartbeat_interval: 5 }',
        'gateway: { timeout: 12, retries: 1, circuit_breaker_threshold: 2 }',
        'monitoring: { health_check_interval: 3, auto_recovery: false }',
        'services:',
        '  whisper: { url: "http://a:1|3, http://b:2", health_endpoint: /healthz }',
        '  translation: { kind: apertium, instances: [{ url: "http://t:9", weight: 2 }] }',
      ].join('\n'),
    );
    expect(config.frontend.port).toBe(4000);
    expect(config.websocket).toMatchObject({
      maxConnections: 20,
      connectionTimeout: 60,
      heartbeatInterval: 5,
    });
    expect(config.gateway).toMatchObject({ timeout: 12, retries: 1, circuitBreakerThreshold: 2 });
    expect(config.monitoring).toMatchObject({ healthCheckInterval: 3, autoRecovery: false });
    expect(config.services.whisper.instances).toEqual([
      { url: 'http://a:1', weight: 3 },
      { url: 'http://b:2', weight: 1 },
    ]);
    expect(config.services.whisper.healthEndpoint).toBe('/healthz');
    expect(config.services.translation).toMatchObject({
      kind: 'apertium',
      instances: [{ url: 'http://t:9', weight: 2 }],
    });
    expect(config.services.speaker.instances[0].url).toBe('http://localhost:5002');
  });

  it('lets every documented environment variable override the file', () => {
    const config = load(
      {
        HOST: '127.0.0.1',
        PORT: '3100',
        SECRET_KEY: 's3cret',
        LOG_LEVEL: 'WARNING',
        WHISPER_SERVICE_URL: 'http://w1:5001|2,http://w2:5001',
        SPEAKER_SERVICE_URL: 'http://s:5002',
        TRANSLATION_SERVICE_URL: 'https://t:5003/base/',
        WHISPER_SERVICE_KIND: 'openai',
        TRANSLATION_SERVICE_KIND: 'libretranslate',
        TRANSLATION_API_KEY: 'tk',
        WEBSOCKET_MAX_CONNECTIONS: '50',
        WEBSOCKET_TIMEOUT: '90',
        HEALTH_CHECK_INTERVAL: '0.5',
        GATEWAY_TIMEOUT: '7',
        REDIS_URL: 'redis://127.0.0.1:6390',
        CORS_ORIGINS: 'https://a.example, https://b.example',
        NODE_ENV: 'staging',
      },
      'frontend: { port: 4000 }\ngateway: { timeout: 12 }',
    );
    expect(config.frontend).toMatchObject({
      host: '127.0.0.1',
      port: 3100,
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
    expect(config.security.secretKey).toBe('s3cret');
    expect(config.logging.level).toBe('warn');
    expect(config.services.whisper).toMatchObject({
      kind: 'openai',
      instances: [
        { url: 'http://w1:5001', weight: 2 },
        { url: 'http://w2:5001', weight: 1 },
      ],
    });
    expect(config.services.translation).toMatchObject({ kind: 'libretranslate', apiKey: 'tk' });
    expect(config.services.translation.instances[0].url).toBe('https://t:5003/base');
    expect(config.websocket).toMatchObject({ maxConnections: 50, connectionTimeout: 90 });
    expect(config.monitoring.healthCheckInterval).toBe(0.5);
    expect(config.gateway.timeout).toBe(7);
    expect(config.redis.url).toBe('redis://127.0.0.1:6390');
    expect(config.orchestration.environment).toBe('development');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT (frontend.port)="abc"', 'integer'],
    [{ PORT: '70000' }, 'PORT (frontend.port)=70000', '65535'],
    [
      { WHISPER_SERVICE_URL: 'ftp://host:21' },
      'WHISPER_SERVICE_URL (services.whisper.instances[0].url)="ftp://host:21"',
      'http(s) URL',
    ],
    [
      { TRANSLATION_SERVICE_URL: 'http://t:1|heavy' },
      'TRANSLATION_SERVICE_URL (services.translation.instances[0].weight)="heavy"',
      'integer',
    ],
    [
      { HEALTH_CHECK_INTERVAL: '-5' },
      'HEALTH_CHECK_INTERVAL (monitoring.healthCheckInterval)=-5',
      'less than 0.1',
    ],
    [
      { WEBSOCKET_MAX_CONNECTIONS: '0' },
      'WEBSOCKET_MAX_CONNECTIONS (websocket.maxConnections)=0',
      'less than 1',
    ],
    [{ WEBSOCKET_TIMEOUT: '1.5' }, 'WEBSOCKET_TIMEOUT (websocket.connectionTimeout)=1.5', 'integer'],
    [{ GATEWAY_TIMEOUT: 'soon' }, 'GATEWAY_TIMEOUT (gateway.timeout)="soon"', 'number'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL (logging.level)="loud"', 'one of the following values'],
    [{ REDIS_URL: 'http://redis:6379' }, 'REDIS_URL (redis.url)="http://redis:6379"', 'redis://'],
    [
      { WHISPER_SERVICE_KIND: 'deepgram' },
      'WHISPER_SERVICE_KIND (services.whisper.kind)="deepgram"',
      'livetranslate, openai, whisper-cpp',
    ],
    [
      { WHISPER_SERVICE_URL: 'openai=http://gpu:8000|3,deepgram=http://cpu:8080' },
      'WHISPER_SERVICE_URL (services.whisper.instances[1].kind)="deepgram"',
      'livetranslate, openai, whisper-cpp',
    ],
    [
      { TRANSLATION_SERVICE_URL: 'apertium=ftp://apy:2737' },
      'TRANSLATION_SERVICE_URL (services.translation.instances[0].url)="ftp://apy:2737"',
      'http(s) URL',
    ],
    [
      { WHISPER_SERVICE_URL: 'whisper-cpp=http://cpu:8080|1|0' },
      'WHISPER_SERVICE_URL (services.whisper.instances[0].maxConcurrent)=0',
      'must not be less than 1',
    ],
    [
      { TRANSLATION_SERVICE_KIND: 'openai' },
      'TRANSLATION_SERVICE_KIND (services.translation.kind)="openai"',
      'libretranslate, apertium',
    ],
  ])('refuses %j naming the key, the value and what is expected', (env, named, expected) => {
    const error = loadError(env);
    expect(error.message).toContain(named);
    expect(error.message).toContain(expected);
  });

  it('reads a mixed pool: kind= entries, bare URLs on the service kind, priority tiers from YAML', () => {
    const fromEnv = load({ WHISPER_SERVICE_URL: 'openai=http://gpu:8000|3,http://cpu:8080' });
    expect(fromEnv.services.whisper.instances).toEqual([
      { url: 'http://gpu:8000', weight: 3, kind: 'openai' },
      { url: 'http://cpu:8080', weight: 1 },
    ]);
    const fromYaml = load(
      {},
      [
        'services:',
        '  whisper:',
        '    kind: openai',
        '    instances:',
        '      - { url: "http://gpu:8000", weight: 3 }',
        '      - { url: "http://cpu:8080", kind: whisper-cpp, priority: 1 }',
      ].join('\n'),
    );
    expect(fromYaml.services.whisper.instances).toEqual([
      { url: 'http://gpu:8000', weight: 3 },
      { url: 'http://cpu:8080', weight: 1, kind: 'whisper-cpp', priority: 1 },
    ]);
  });

  it('reads a per-instance concurrency cap from |weight|cap and from YAML max_concurrent', () => {
    const fromEnv = load({ WHISPER_SERVICE_URL: 'whisper-cpp=http://cpu:8080|1|2' });
    expect(fromEnv.services.whisper.instances).toEqual([
      { url: 'http://cpu:8080', weight: 1, kind: 'whisper-cpp', maxConcurrent: 2 },
    ]);
    const yaml =
      'services:\n  whisper:\n    instances:\n      - { url: "http://gpu:8000", max_concurrent: 4 }\n';
    expect(load({}, yaml).services.whisper.instances).toEqual([
      { url: 'http://gpu:8000', weight: 1, maxConcurrent: 4 },
    ]);
  });

  it('refuses a YAML instance kind or priority naming its path', () => {
    const yaml = (entry: string) => `services:\n  translation:\n    instances:\n      - ${entry}\n`;
    expect(loadError({}, yaml('{ url: "http://t:1", kind: deepl }')).message).toContain(
      'services.translation.instances[0].kind="deepl"',
    );
    expect(loadError({}, yaml('{ url: "http://t:1", priority: -1 }')).message).toContain(
      'services.translation.instances[0].priority=-1',
    );
  });

  it('names YAML keys in their dotted path when the file holds the bad value', () => {
    const error = loadError({}, 'gateway:\n  retries: -1\n');
    expect(error.message).toContain('gateway.retries=-1');
  });

  it('refuses unknown keys in the file instead of ignoring a typo', () => {
    const error = loadError({}, 'gateway:\n  timout: 5\n');
    expect(error.message).toContain('gateway.timout');
  });

  it('refuses unreadable YAML naming the file', () => {
    const error = loadError({}, 'gateway: [unclosed\n');
    expect(error.message).toMatch(/CONFIG_FILE=".*orchestration\.yaml": is not valid YAML/);
  });

  it('refuses a YAML document that is not a mapping', () => {
    expect(loadError({}, '- just\n- a list\n').message).toContain('must hold a YAML mapping');
  });

  it('refuses a CONFIG_FILE that does not exist', () => {
    const error = loadError({ CONFIG_FILE: '/nonexistent/orchestration.yaml' });
    expect(error.message).toContain('CONFIG_FILE="/nonexistent/orchestration.yaml": cannot read the file');
  });

  it('reports every bad key at once', () => {
    const error = loadError({ PORT: 'abc', GATEWAY_TIMEOUT: '-1' });
    expect(error.fields.map((f) => f.field)).toEqual(
      expect.arrayContaining(['PORT (frontend.port)', 'GATEWAY_TIMEOUT (gateway.timeout)']),
    );
  });
});
