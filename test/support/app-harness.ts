import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { resolve } from 'node:path';
import { createOrchestrationApp } from '../../apps/orchestration/src/bootstrap';

export interface RunningApp {
  app: NestFastifyApplication;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

/**
 * Boots the real application on a random loopback port. `env` replaces the process environment entirely,
 * so a test states every setting it depends on; the repository's config/orchestration.yaml still applies
 * unless CONFIG_FILE names another file.
 */
export async function startApp(env: Record<string, string | undefined> = {}): Promise<RunningApp> {
  const { app } = await createOrchestrationApp({
    env: { LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
    cwd: resolve(__dirname, '..', '..'),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
