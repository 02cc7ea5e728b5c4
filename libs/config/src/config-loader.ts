import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { flattenValidationErrors, type FieldError } from '@app/common';
import { deepMerge, isPlainObject, mapKeysDeep, snakeToCamel } from './case';
import { ConfigValidationError } from './config-error';
import { parseInstanceList } from './instance-list';
import { OrchestrationConfig } from './schema/orchestration-config';
import { productionErrors } from './schema/production-rules';
import { SERVICE_NAMES } from './engine-kinds';
import { engineKindErrors } from './schema/services.section';

type Env = Record<string, string | undefined>;
type Parse = (raw: string) => unknown;

const asNumber: Parse = (raw) => {
  const numeric = Number(raw);
  return raw.trim() !== '' && Number.isFinite(numeric) ? numeric : raw;
};
const asList: Parse = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
const asText: Parse = (raw) => raw;
/** Only production changes behaviour; any other NODE_ENV (staging, ci, ...) runs as development. */
const asEnvironment: Parse = (raw) => (raw === 'production' || raw === 'test' ? raw : 'development');
/** The product description writes INFO and WARNING; pino says info and warn. */
const asLogLevel: Parse = (raw) => {
  const level = raw.trim().toLowerCase();
  return level === 'warning' ? 'warn' : level === 'critical' ? 'fatal' : level;
};

/** Every environment variable the service reads, the config path it sets, and how its text is parsed. */
export const ENV_BINDINGS: { variable: string; path: string; parse: Parse }[] = [
  { variable: 'NODE_ENV', path: 'orchestration.environment', parse: asEnvironment },
  { variable: 'HOST', path: 'frontend.host', parse: asText },
  { variable: 'PORT', path: 'frontend.port', parse: asNumber },
  { variable: 'CORS_ORIGINS', path: 'frontend.corsOrigins', parse: asList },
  { variable: 'TRUSTED_PROXIES', path: 'frontend.trustedProxies', parse: asList },
  { variable: 'SECRET_KEY', path: 'security.secretKey', parse: asText },
  { variable: 'ADMIN_TOKEN', path: 'security.adminToken', parse: asText },
  { variable: 'API_KEYS', path: 'security.apiKeys', parse: asList },
  { variable: 'LOG_LEVEL', path: 'logging.level', parse: asLogLevel },
  { variable: 'LOG_FILE', path: 'logging.file', parse: asText },
  { variable: 'WEBSOCKET_MAX_CONNECTIONS', path: 'websocket.maxConnections', parse: asNumber },
  { variable: 'WEBSOCKET_TIMEOUT', path: 'websocket.connectionTimeout', parse: asNumber },
  { variable: 'HEALTH_CHECK_INTERVAL', path: 'monitoring.healthCheckInterval', parse: asNumber },
  { variable: 'GATEWAY_TIMEOUT', path: 'gateway.timeout', parse: asNumber },
  { variable: 'GATEWAY_ROUTING', path: 'gateway.routing', parse: (raw) => raw.trim().toLowerCase() },
  { variable: 'REDIS_URL', path: 'redis.url', parse: asText },
  { variable: 'MAX_BODY_BYTES', path: 'limits.jsonBodyBytes', parse: asNumber },
  { variable: 'MAX_PROXY_BODY_BYTES', path: 'limits.proxyBodyBytes', parse: asNumber },
  { variable: 'MAX_URL_LENGTH', path: 'limits.maxUrlLength', parse: asNumber },
  { variable: 'MAX_HEADER_BYTES', path: 'limits.maxHeaderBytes', parse: asNumber },
  { variable: 'HEADERS_TIMEOUT', path: 'limits.headersTimeoutSeconds', parse: asNumber },
  { variable: 'RATE_LIMIT_WINDOW', path: 'rateLimit.windowSeconds', parse: asNumber },
  { variable: 'RATE_LIMIT_PROXY', path: 'rateLimit.proxy', parse: asNumber },
  { variable: 'RATE_LIMIT_ADMIN', path: 'rateLimit.admin', parse: asNumber },
  { variable: 'RATE_LIMIT_API', path: 'rateLimit.api', parse: asNumber },
  { variable: 'RATE_LIMIT_WEBSOCKET', path: 'rateLimit.websocketConnections', parse: asNumber },
  { variable: 'REDIS_KEY_PREFIX', path: 'redis.keyPrefix', parse: asText },
  { variable: 'STREAM_VAD', path: 'streams.vad', parse: (raw) => raw.trim().toLowerCase() },
  { variable: 'PIPELINE_MAX_HELD_BYTES', path: 'pipeline.maxHeldBytes', parse: asNumber },
  // Anything but a recognised switch word stays text, so validation names the variable and the value.
  {
    variable: 'METRICS_ENABLED',
    path: 'metrics.enabled',
    parse: (raw) => (/^(true|1)$/i.test(raw.trim()) ? true : /^(false|0)$/i.test(raw.trim()) ? false : raw),
  },
  { variable: 'WHISPER_MODEL', path: 'services.whisper.model', parse: asText },
  { variable: 'TRANSLATION_PIVOT_LANGUAGE', path: 'services.translation.pivotLanguage', parse: asText },
  ...SERVICE_NAMES.flatMap((name) => [
    {
      variable: `${name.toUpperCase()}_SERVICE_URL`,
      path: `services.${name}.instances`,
      parse: parseInstanceList,
    },
    { variable: `${name.toUpperCase()}_SERVICE_KIND`, path: `services.${name}.kind`, parse: asText },
    { variable: `${name.toUpperCase()}_API_KEY`, path: `services.${name}.apiKey`, parse: asText },
  ]),
];

export const DEFAULT_CONFIG_FILE = 'config/orchestration.yaml';

export interface ConfigSource {
  env: Env;
  /** Directory that a relative CONFIG_FILE and the default file are resolved against. */
  cwd?: string;
}

export function configFilePath(source: ConfigSource): string {
  return resolve(source.cwd ?? process.cwd(), source.env.CONFIG_FILE || DEFAULT_CONFIG_FILE);
}

/** Reads the YAML file into camelCase keys. A missing default file is fine; a missing named one is not. */
export function readConfigFile(source: ConfigSource): Record<string, unknown> {
  const path = configFilePath(source);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (!source.env.CONFIG_FILE && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigValidationError([
      { field: 'CONFIG_FILE', value: path, message: `cannot read the file (${(error as Error).message})` },
    ]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigValidationError([
      {
        field: 'CONFIG_FILE',
        value: path,
        message: `is not valid YAML (${(error as Error).message.split('\n')[0]})`,
      },
    ]);
  }
  if (parsed === undefined || parsed === null) return {};
  if (!isPlainObject(parsed)) {
    throw new ConfigValidationError([
      { field: 'CONFIG_FILE', value: path, message: 'must hold a YAML mapping' },
    ]);
  }
  return normaliseServices(mapKeysDeep(parsed, snakeToCamel) as Record<string, unknown>);
}

/**
 * The YAML may give a service as `url:` (one URL or a comma list, as in the product description) or as
 * `instances:` with weights; both become `instances`.
 */
export function normaliseServices(raw: Record<string, unknown>): Record<string, unknown> {
  if (!isPlainObject(raw.services)) return raw;
  const services: Record<string, unknown> = { ...raw.services };
  for (const [name, value] of Object.entries(services)) {
    if (isPlainObject(value) && typeof value.url === 'string') {
      const { url, ...rest } = value;
      services[name] = { ...rest, instances: parseInstanceList(url) };
    }
  }
  return { ...raw, services };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

export function envOverrides(env: Env): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const binding of ENV_BINDINGS) {
    const raw = env[binding.variable];
    if (raw !== undefined && raw !== '') setPath(overrides, binding.path, binding.parse(raw));
  }
  return overrides;
}

const BUILT_IN_SERVICES = {
  services: {
    whisper: { instances: [{ url: 'http://localhost:5001' }] },
    speaker: { instances: [{ url: 'http://localhost:5002' }] },
    translation: { instances: [{ url: 'http://localhost:5003' }] },
  },
};

/** Names an error after the environment variable that set the value, when one did. */
function describeField(field: string, env: Env): string {
  const binding = ENV_BINDINGS.find(
    (b) => field === b.path || field.startsWith(`${b.path}[`) || field.startsWith(`${b.path}.`),
  );
  return binding && env[binding.variable] ? `${binding.variable} (${field})` : field;
}

/** Turns a plain camelCase object into the validated typed config, or throws naming every bad key. */
export function validateConfig(plain: unknown, env: Env = {}): OrchestrationConfig {
  const config = plainToInstance(OrchestrationConfig, plain, { exposeDefaultValues: true });
  const fields: FieldError[] = flattenValidationErrors(
    validateSync(config, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false }),
  );
  if (fields.length === 0) fields.push(...engineKindErrors(config.services), ...productionErrors(config));
  if (fields.length > 0) {
    throw new ConfigValidationError(fields.map((f) => ({ ...f, field: describeField(f.field, env) })));
  }
  return config;
}

/** Built-in defaults, then the YAML file, then environment variables; validated once. */
export function loadConfig(source: ConfigSource): OrchestrationConfig {
  const fromFile = readConfigFile(source);
  const sections = [
    'orchestration',
    'frontend',
    'websocket',
    'gateway',
    'monitoring',
    'security',
    'logging',
    'redis',
    'pipeline',
    'sessions',
  ];
  const empty = Object.fromEntries(sections.map((s) => [s, {}]));
  const merged = deepMerge(
    deepMerge(deepMerge(empty, BUILT_IN_SERVICES), fromFile),
    envOverrides(source.env),
  );
  return validateConfig(merged, source.env);
}
