import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  DomainEvents,
  HttpExceptionFilter,
  PinoNestLogger,
  createPinoLogger,
  createValidationPipe,
} from '@app/common';
import { loadConfig, type ConfigSource, type OrchestrationConfig } from '@app/config';
import { applyRouteBodyLimits, httpCorsOptions, httpServerOptions } from '@app/security';
import { RealtimeIoAdapter } from '@app/realtime';
import { AppModule } from './app.module';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export interface OrchestrationApp {
  app: NestFastifyApplication;
  config: OrchestrationConfig;
}

/** A client's X-Request-Id is kept when it is a sane token, so one id follows a call across services. */
function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

/**
 * Builds the fully configured application without listening: used by main.ts and by the e2e tests, so the
 * tests exercise exactly what production runs. Throws ConfigValidationError on bad configuration.
 */
export async function createOrchestrationApp(source: ConfigSource): Promise<OrchestrationApp> {
  const config = loadConfig(source);
  const logger = createPinoLogger(config.logging.level, config.logging.file);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: requestId,
    trustProxy: config.frontend.trustedProxies.length > 0 ? config.frontend.trustedProxies : false,
    // Body, header and timeout limits (config `limits`); per-route body limits are set by applyRouteBodyLimits.
    ...httpServerOptions(config),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const fastify = adapter.getInstance();
  applyRouteBodyLimits(fastify, config);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
    done();
  });

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, source), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  // The log level is tunable at run time; the log file is opened once, so a new path waits for a restart.
  app.get(DomainEvents).on('config.changed', ({ previous, current, changedSections }) => {
    if (!changedSections.includes('logging')) return;
    logger.level = current.logging.level;
    if (current.logging.file !== previous.logging.file) {
      logger.warn(`logging.file changed to ${current.logging.file ?? '(none)'}: applied at the next start`);
    }
  });
  await app.register(multipart, {
    limits: { fileSize: config.pipeline.maxAudioBytes, files: 1, fields: 20, fieldSize: 64 * 1024 },
  });
  const cors = httpCorsOptions(config.frontend.corsOrigins);
  if (cors) app.enableCors(cors);
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  app.useWebSocketAdapter(new RealtimeIoAdapter(app));

  const openApi = new DocumentBuilder()
    .setTitle('LiveTranslate Orchestration')
    .setDescription('Gateway, pipeline and real-time hub for transcription and translation backends')
    .setVersion(config.orchestration.version)
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
  return { app, config };
}
