import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, createPinoLogger, exitGracefullyOnSignals } from '@app/common';
import { ConfigValidationError, loadConfig, type ConfigSource } from '@app/config';
import { PipelineWorkerModule } from './worker.module';

/**
 * apps/pipeline-worker: runs the pipeline stages on the BullMQ queues, next to any number of orchestrators
 * and other workers on the same Redis. It never listens, so it is an application context without an HTTP
 * server.
 */
async function main(): Promise<void> {
  const source: ConfigSource = { env: process.env };
  let config;
  try {
    config = loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (!config.redis.url) {
    process.stderr.write(
      'pipeline-worker needs REDIS_URL: it takes its jobs from the BullMQ queues in Redis. Without Redis the ' +
        'orchestrator runs the pipeline in its own process.\n',
    );
    process.exit(1);
  }
  const logger = createPinoLogger(config.logging.level, config.logging.file);
  const app = await NestFactory.createApplicationContext(PipelineWorkerModule.forRoot(config, source), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  await app.init();
  logger.info({ pid: process.pid }, 'Pipeline worker started');

  exitGracefullyOnSignals(app, {
    graceSeconds: config.frontend.shutdownGraceSeconds,
    log: logger,
    action: 'finishing current jobs',
  });
}

main().catch((error: Error) => {
  process.stderr.write(`Start-up failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
