import { ensureBuiltApp, killBuiltApp, spawnBuiltApp, waitUntilLive } from '../support/built-app';

const PRODUCTION_SECRETS = {
  NODE_ENV: 'production',
  SECRET_KEY: 'e2e-production-secret-0123456789',
  ADMIN_TOKEN: 'e2e-admin-token',
};

/** Runs the built app and expects it to refuse to start. */
async function refusedStart(env: Record<string, string>): Promise<string> {
  const app = await spawnBuiltApp(env);
  try {
    const code = await Promise.race([
      app.exited,
      new Promise<'still running'>((r) => setTimeout(() => r('still running'), 20_000)),
    ]);
    expect(code).toBe(1);
    return app.output();
  } finally {
    await killBuiltApp(app);
  }
}

describe('production start-up checks (built app)', () => {
  // A build, when one is needed, takes longer than a test's own timeout.
  beforeAll(() => ensureBuiltApp(), 240_000);

  it('exits 1 with the default SECRET_KEY and no ADMIN_TOKEN, naming both', async () => {
    const output = await refusedStart({ NODE_ENV: 'production' });
    expect(output).toContain('Invalid configuration');
    expect(output).toContain('SECRET_KEY');
    expect(output).toContain('ADMIN_TOKEN');
  });

  it("exits 1 when CORS_ORIGINS contains '*'", async () => {
    const output = await refusedStart({ ...PRODUCTION_SECRETS, CORS_ORIGINS: 'https://app.example,*' });
    expect(output).toContain('CORS_ORIGINS');
    expect(output).not.toContain(PRODUCTION_SECRETS.SECRET_KEY);
  });

  it('starts with its own secrets and exits 0 on SIGTERM', async () => {
    const app = await spawnBuiltApp({ ...PRODUCTION_SECRETS, CORS_ORIGINS: 'https://app.example' });
    try {
      await waitUntilLive(app);
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
    } finally {
      await killBuiltApp(app);
    }
  });
});
