import { ConfigValidationError } from '../config-error';
import { loadConfig } from '../config-loader';

/** A directory without config/orchestration.yaml: built-in defaults plus the environment only. */
const NO_CONFIG_FILE = '/nonexistent';

const PRODUCTION_READY = {
  NODE_ENV: 'production',
  SECRET_KEY: 'a-long-unique-random-secret-value',
  ADMIN_TOKEN: 'admin-token-value',
};

function failure(env: Record<string, string>): ConfigValidationError {
  try {
    loadConfig({ env, cwd: NO_CONFIG_FILE });
  } catch (error) {
    if (error instanceof ConfigValidationError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('production start-up rules', () => {
  it('accepts a production configuration with its own secrets', () => {
    expect(loadConfig({ env: PRODUCTION_READY, cwd: NO_CONFIG_FILE }).orchestration.environment).toBe(
      'production',
    );
  });

  it('refuses the default SECRET_KEY, naming the key', () => {
    const error = failure({ ...PRODUCTION_READY, SECRET_KEY: '' });
    expect(error.fields.map((f) => f.field)).toEqual(['security.secretKey']);
    expect(error.message).toContain('SECRET_KEY');
  });

  it('refuses a short SECRET_KEY without echoing it', () => {
    const error = failure({ ...PRODUCTION_READY, SECRET_KEY: 'short-secret' });
    expect(error.message).toContain('SECRET_KEY');
    expect(error.message).not.toContain('short-secret');
  });

  it('refuses an empty ADMIN_TOKEN and a wildcard CORS origin, listing both', () => {
    const error = failure({ ...PRODUCTION_READY, ADMIN_TOKEN: '', CORS_ORIGINS: 'https://a.example,*' });
    expect(error.fields.map((f) => f.field)).toEqual([
      'security.adminToken',
      'CORS_ORIGINS (frontend.corsOrigins)',
    ]);
  });

  it('lets development run with the defaults', () => {
    const config = loadConfig({
      env: { NODE_ENV: 'development', CORS_ORIGINS: '*' },
      cwd: NO_CONFIG_FILE,
    });
    expect(config.security.adminToken).toBeUndefined();
  });
});
