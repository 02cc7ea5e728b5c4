import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { HttpExceptionFilter } from '@app/common';
import type { OrchestrationConfig } from '@app/config';

/** Node checks header and request timeouts on this period; its 30 s default would let slow clients linger. */
const MAX_TIMEOUT_CHECK_MS = 5000;

const CLIENT_ERRORS: Record<string, { status: number; code: string; reason: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'REQUEST_TIMEOUT',
    reason: 'Request Timeout',
    message: 'The request was not received in time',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'HEADERS_TOO_LARGE',
    reason: 'Request Header Fields Too Large',
    message: 'The request line and headers exceed the allowed size',
  },
};

/**
 * Errors Node raises before a request exists (slow or oversized headers, malformed HTTP) are answered in
 * the service's error shape; the connection is then closed, as Node does.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = (error.code && CLIENT_ERRORS[error.code]) || {
    status: 400,
    code: 'BAD_REQUEST',
    reason: 'Bad Request',
    message: 'Malformed HTTP request',
  };
  const body = JSON.stringify({
    error: { code: known.code, message: known.message, request_id: randomUUID() },
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${known.reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

const errorRenderer = new HttpExceptionFilter();

/**
 * Errors Fastify's router raises before any hook or route runs (an undecodable URL such as `//%`, a path
 * parameter over its length limit) are answered in the service's error shape too.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = errorRenderer.describe(error, String(request.id));
  void reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
}

/**
 * The server's connection limits, set explicitly rather than left to Node's and Fastify's defaults
 * (Fastify turns Node's request timeout off). The headers timeout is what stops slowloris clients.
 */
export function httpServerOptions(config: OrchestrationConfig): {
  bodyLimit: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  http: ServerOptions;
  clientErrorHandler: FastifyServerOptions['clientErrorHandler'];
  frameworkErrors: typeof frameworkErrors;
} {
  const { limits } = config;
  const headersTimeout = Math.round(limits.headersTimeoutSeconds * 1000);
  return {
    bodyLimit: limits.jsonBodyBytes,
    requestTimeout: Math.max(Math.round(limits.requestTimeoutSeconds * 1000), headersTimeout),
    keepAliveTimeout: Math.round(limits.keepAliveTimeoutSeconds * 1000),
    http: {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout,
      connectionsCheckingInterval: Math.min(
        MAX_TIMEOUT_CHECK_MS,
        Math.max(100, Math.round(headersTimeout / 4)),
      ),
    },
    clientErrorHandler,
    frameworkErrors,
  };
}
