import 'reflect-metadata';
import { exitGracefullyOnSignals } from '@app/common';
import { ConfigValidationError, publicConfig } from '@app/config';
import { closeConnectionsAsTheyIdle } from '@app/security';
import { createOrchestrationApp } from './bootstrap';

/** `--debug` is the product description's switch for LOG_LEVEL=debug. */
function environment(): NodeJS.ProcessEnv {
  return process.argv.includes('--debug') ? { ...process.env, LOG_LEVEL: 'debug' } : process.env;
}

async function main(): Promise<void> {
  let orchestration;
  try {
    orchestration = await createOrchestrationApp({ env: environment() });
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { app, config } = orchestration;
  await app.listen({ host: config.frontend.host, port: config.frontend.port });
  const log = app.getHttpAdapter().getInstance().log;
  log.info(`Orchestration service listening on ${await app.getUrl()}`);
  log.debug({ config: publicConfig(config) }, 'effective configuration');

  exitGracefullyOnSignals(app, {
    graceSeconds: config.frontend.shutdownGraceSeconds,
    log,
    action: 'draining',
    beforeClose: () => closeConnectionsAsTheyIdle(app.getHttpServer()),
  });
}

main().catch((error: Error) => {
  process.stderr.write(`Start-up failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
