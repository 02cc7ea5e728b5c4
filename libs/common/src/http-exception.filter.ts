import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { ApiError, type ErrorBody } from './api-error';
import { frontDoorOf, inFrontDoorDialect } from './front-doors';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  500: 'INTERNAL_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** Fastify's own errors (body too large, bad JSON, ...) carry a statusCode and a FST_* code. */
interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/**
 * The single place where failures become HTTP responses. Every 5xx that is not a deliberate ApiError gets
 * an error id that is logged with the stack, so an operator can find it from the client's report.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      throw exception;
    }
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = this.respond(
      exception,
      String(request.id ?? randomUUID()),
      request.url,
    );
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    void reply
      .status(status)
      .headers(headers)
      .header('content-type', 'application/json; charset=utf-8')
      .send(body);
  }

  /** `describe`, in the error shape of the front door the request came in by (front-doors.ts), if any. */
  respond(
    exception: unknown,
    requestId: string,
    url: string,
  ): { status: number; body: unknown; headers: Record<string, string> } {
    const described = this.describe(exception, requestId);
    const frontDoor = frontDoorOf(url);
    if (!frontDoor) return described;
    return { ...inFrontDoorDialect(frontDoor, described.status, described.body), headers: described.headers };
  }

  describe(
    exception: unknown,
    requestId: string,
  ): { status: number; body: ErrorBody; headers: Record<string, string> } {
    if (exception instanceof ApiError) {
      return {
        status: exception.status,
        headers: exception.headers,
        body: {
          error: {
            code: exception.code,
            message: exception.message,
            request_id: requestId,
            ...exception.details,
          },
        },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const message = httpExceptionMessage(exception);
      return {
        status,
        headers: {},
        body: { error: { code: CODE_BY_STATUS[status] ?? 'ERROR', message, request_id: requestId } },
      };
    }
    const fastifyError = exception as FastifyLikeError;
    if (
      typeof fastifyError?.statusCode === 'number' &&
      fastifyError.statusCode >= 400 &&
      fastifyError.statusCode < 500
    ) {
      const status = fastifyError.statusCode;
      return {
        status,
        headers: {},
        body: {
          error: {
            code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST',
            message: fastifyError.message ?? 'Bad request',
            request_id: requestId,
          },
        },
      };
    }
    const errorId = randomUUID();
    this.logger.error(
      { err: exception, error_id: errorId, request_id: requestId },
      `Unhandled error ${errorId}: ${(exception as Error)?.message ?? String(exception)}`,
    );
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      headers: {},
      body: {
        error: {
          code: 'INTERNAL_ERROR',
          message: 'Internal server error',
          request_id: requestId,
          error_id: errorId,
        },
      },
    };
  }
}

/** Nest's built-in exceptions carry a string, or an object whose `message` is a string or a list of them. */
function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : exception.message;
}
