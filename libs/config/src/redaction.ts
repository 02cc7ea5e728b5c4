import { camelToSnake, mapKeysDeep } from './case';
import type { OrchestrationConfig } from './schema/orchestration-config';
import { DEFAULT_SECRET_KEY } from './schema/security.section';
import { SERVICE_NAMES } from './engine-kinds';

export const REDACTED = '[redacted]';

function redactUrlCredentials(url: string | undefined): string | undefined {
  if (!url) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = REDACTED;
    return parsed.toString();
  } catch {
    return REDACTED;
  }
}

/**
 * The configuration as clients may see it, in snake_case: secrets, tokens, API keys and passwords in URLs
 * are replaced, and only whether they are set remains visible.
 */
export function publicConfig(config: OrchestrationConfig): Record<string, unknown> {
  const services = Object.fromEntries(
    SERVICE_NAMES.map((name) => [
      name,
      { ...config.services[name], apiKey: config.services[name].apiKey ? REDACTED : undefined },
    ]),
  );
  const view = {
    ...config,
    services,
    security: {
      secretKey: REDACTED,
      secretKeyIsDefault: config.security.secretKey === DEFAULT_SECRET_KEY,
      adminToken: config.security.adminToken ? REDACTED : null,
      apiKeysConfigured: config.security.apiKeys.length,
    },
    redis: { ...config.redis, url: redactUrlCredentials(config.redis.url) ?? null },
  };
  return mapKeysDeep(JSON.parse(JSON.stringify(view)), camelToSnake) as Record<string, unknown>;
}
