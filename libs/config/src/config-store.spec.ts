import { DomainEvents, ValidationFailedError } from '@app/common';
import type { ConfigChangedEvent } from './config-events';
import { loadConfig } from './config-loader';
import { ConfigStore } from './config-store';

function store(): { configStore: ConfigStore; changes: ConfigChangedEvent[] } {
  const events = new DomainEvents();
  const changes: ConfigChangedEvent[] = [];
  events.on('config.changed', (change) => changes.push(change));
  const configStore = new ConfigStore(loadConfig({ env: { CONFIG_FILE: '' }, cwd: '/nonexistent' }), events);
  return { configStore, changes };
}

function rejection(action: () => unknown): ValidationFailedError {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationFailedError) return error;
    throw error;
  }
  throw new Error('expected the update to be refused');
}

describe('ConfigStore.update', () => {
  it('applies a snake_case patch of tunable sections and announces the changed sections', () => {
    const { configStore, changes } = store();
    const changed = configStore.update(
      {
        gateway: { timeout: 5, circuit_breaker_threshold: 2 },
        services: { whisper: { url: 'http://w:1|4' } },
      },
      'api',
    );
    expect(changed.sort()).toEqual(['gateway', 'services']);
    expect(configStore.current.gateway).toMatchObject({ timeout: 5, circuitBreakerThreshold: 2, retries: 3 });
    expect(configStore.current.services.whisper.instances).toEqual([{ url: 'http://w:1', weight: 4 }]);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      changedSections: expect.arrayContaining(['gateway', 'services']),
      source: 'api',
    });
    expect(changes[0].previous.gateway.timeout).toBe(30);
  });

  it('changes nothing and names the field when one value of the patch is invalid', () => {
    const { configStore, changes } = store();
    const before = JSON.stringify(configStore.current);
    const error = rejection(() => configStore.update({ gateway: { timeout: 5, retries: -2 } }, 'api'));
    expect(error.fields.map((f) => f.field)).toEqual(['gateway.retries']);
    expect(JSON.stringify(configStore.current)).toBe(before);
    expect(changes).toHaveLength(0);
  });

  it('refuses sections that are read only at boot', () => {
    const { configStore } = store();
    const error = rejection(() =>
      configStore.update({ frontend: { port: 1 }, security: { admin_token: 'x' } }, 'api'),
    );
    expect(error.fields.map((f) => f.field).sort()).toEqual(['frontend', 'security']);
    expect(configStore.current.frontend.port).toBe(3000);
  });

  it('refuses a body that is not an object', () => {
    const { configStore } = store();
    expect(rejection(() => configStore.update([1, 2], 'api')).fields[0].field).toBe('(body)');
  });

  it('reports no change and emits nothing for a patch equal to the current values', () => {
    const { configStore, changes } = store();
    expect(configStore.update({ gateway: { timeout: 30 } }, 'api')).toEqual([]);
    expect(changes).toHaveLength(0);
  });
});

describe('ConfigStore.publicView', () => {
  it('never shows the secret key, tokens, API keys or Redis passwords', () => {
    const events = new DomainEvents();
    const config = loadConfig({
      env: {
        SECRET_KEY: 'super-secret-value',
        ADMIN_TOKEN: 'admin-token-value',
        API_KEYS: 'key-one-value',
        TRANSLATION_API_KEY: 'translation-key-value',
        REDIS_URL: 'redis://user:redis-password-value@127.0.0.1:6379',
      },
      cwd: '/nonexistent',
    });
    const view = JSON.stringify(new ConfigStore(config, events).publicView());
    for (const secret of [
      'super-secret-value',
      'admin-token-value',
      'key-one-value',
      'translation-key-value',
      'redis-password-value',
    ]) {
      expect(view).not.toContain(secret);
    }
    expect(view).toContain('"secret_key":"[redacted]"');
    expect(view).toContain('"health_check_interval":10');
  });
});
