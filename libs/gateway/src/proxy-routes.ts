import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { Socket } from 'node:net';
import { Readable, finished } from 'node:stream';
import { ApiError, HttpExceptionFilter } from '@app/common';
import {
  ConfigStore,
  SERVICE_NAMES,
  instanceKind,
  type BackendServiceConfig,
  type ServiceName,
} from '@app/config';
import {
  NoInstanceAvailableError,
  badPathError,
  isBackendFailure,
  toGatewayApiError,
} from './gateway-errors';
import { GatewayStats } from './gateway-stats';
import { engineCredential } from './engine-credentials';
import {
  LimitedBody,
  isJsonContent,
  isParameterBody,
  payloadTooLarge,
  readWhole,
  withCredential,
} from './proxy-body';
import { ENGINE_KIND_HEADER, parameterNames, routeByKind, routeByParams } from './proxy-kinds';
import { ProxyMetrics } from './proxy-metrics';
import { proxyPath } from './proxy-path';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './proxy-headers';
import { UpstreamDispatcher } from './upstream-dispatcher';
import { UpstreamTransport, type UpstreamResponse } from './upstream-transport';

const PROXIED_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'DELETE'];
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
/** Statuses that carry no body: the backend's (empty) stream is drained instead of sent. */
const BODYLESS_STATUSES = new Set([204, 304]);

/** Lets an answer that will not be sent finish arriving, so that its connection can be reused. */
function drain(body: UpstreamResponse['body']): void {
  if (body instanceof Readable) body.on('error', () => undefined).resume();
}

const CLIENT_GONE = new WeakMap<Socket, AbortSignal>();

/**
 * Aborted when the client's connection closes. One per connection rather than per request (an abort
 * signal and its listeners are a noticeable part of a proxied call's cost): every request on a connection
 * is in flight only while the connection is open, and a client that hangs up closes the connection.
 */
function clientGoneSignal(socket: Socket): AbortSignal {
  let signal = CLIENT_GONE.get(socket);
  if (!signal) {
    const controller = new AbortController();
    socket.once('close', () => controller.abort());
    signal = controller.signal;
    CLIENT_GONE.set(socket, signal);
  }
  return signal;
}

const POOL_KINDS = new WeakMap<BackendServiceConfig, readonly string[]>();

/** The kinds a service's instances speak, once per configuration (a new one is a new object). */
function kindsOfPool(engine: BackendServiceConfig): readonly string[] {
  let kinds = POOL_KINDS.get(engine);
  if (!kinds) {
    kinds = [...new Set(engine.instances.map((instance) => instanceKind(engine, instance)))];
    POOL_KINDS.set(engine, kinds);
  }
  return kinds;
}

/** The kind the client named (X-Engine-Kind), if it named one. */
function pinnedKind(request: FastifyRequest): string | undefined {
  const value = request.headers[ENGINE_KIND_HEADER];
  const named = (Array.isArray(value) ? value[0] : value)?.trim();
  return named ? named : undefined;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * `/api/<service>/*` → the chosen instance of that service. Registered on Fastify directly, in its own
 * encapsulated scope, so that this scope can drop every body parser (JSON and the global multipart one)
 * and hand the untouched request stream to the backend: a 50 MB upload streams through instead of being
 * buffered. Errors are rendered by the same filter as the rest of the API, so the body shape is one.
 */
@Injectable()
export class ProxyRoutes implements OnModuleInit {
  private readonly errors = new HttpExceptionFilter();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly dispatcher: UpstreamDispatcher,
    private readonly transport: UpstreamTransport,
    private readonly stats: GatewayStats,
    private readonly configStore: ConfigStore,
    private readonly metrics: ProxyMetrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      // Leaves the payload unread: the handler streams request.raw itself.
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      for (const service of SERVICE_NAMES) {
        const prefix = `/api/${service}`;
        const handler = (request: FastifyRequest, reply: FastifyReply) =>
          this.proxy(service, prefix, request, reply);
        scope.route({ method: PROXIED_METHODS, url: prefix, handler });
        scope.route({ method: PROXIED_METHODS, url: `${prefix}/*`, handler });
      }
    });
  }

  private async proxy(
    service: ServiceName,
    prefix: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    const path = proxyPath(request.raw.url ?? '', prefix);
    if (!path.ok) {
      this.stats.record(service, null, 'bad_path', null);
      return this.fail(request, reply, badPathError(service, path.reason));
    }
    // The client hanging up cancels the backend call; a streaming answer's body is destroyed with the reply.
    const callerGone = clientGoneSignal(request.raw.socket);
    const withBody = hasBody(request);
    const bodyLimit = request.routeOptions.bodyLimit;
    if (Number(request.headers['content-length'] ?? 0) > bodyLimit) {
      return this.fail(request, reply, payloadTooLarge(bodyLimit));
    }
    const config = this.configStore.current;
    const engine = config.services[service];
    const poolKinds = kindsOfPool(engine);
    let decision = routeByKind(service, poolKinds, path.target, pinnedKind(request));
    if ('refused' in decision) return this.refuse(service, request, reply, decision.refused);
    const baseHeaders = upstreamRequestHeaders(
      request.headers,
      {
        clientIp: request.ip,
        proto: request.protocol,
        host: request.headers.host,
        requestId: String(request.id),
      },
      { dropClientCredentials: config.security.apiKeys.length > 0, engineHeaders: {} },
    );
    let body: LimitedBody | Buffer | undefined = withBody
      ? request.raw.pipe(new LimitedBody(bodyLimit))
      : undefined;
    const contentType = request.headers['content-type'];
    // Kinds that share a path are told apart by the request's parameters, which a small body may hold.
    if (!decision.decided && body instanceof LimitedBody && isParameterBody(contentType)) {
      const whole = await this.readBody(service, body, bodyLimit);
      if (whole instanceof ApiError) return this.fail(request, reply, whole);
      body = whole;
    }
    if (!decision.decided) {
      const names = parameterNames(path.target, Buffer.isBuffer(body) ? body : undefined, contentType);
      decision = routeByParams(service, path.target, decision.candidates, names);
      if ('refused' in decision) return this.refuse(service, request, reply, decision.refused);
    }
    const { kinds, routing, repeatable } = decision;
    // Engines that take their key inside a JSON body need it whole; read it once if a chosen kind may.
    const keyInBody = engine.instances.some((instance) => {
      const kind = instanceKind(engine, instance);
      return (!kinds || kinds.has(kind)) && engineCredential(service, kind, engine.apiKey).field;
    });
    if (keyInBody && body instanceof LimitedBody && isJsonContent(contentType)) {
      const whole = await this.readBody(service, body, bodyLimit);
      if (whole instanceof ApiError) return this.fail(request, reply, whole);
      body = whole;
    }
    // Each instance gets the key in the form its own kind reads (a pool may mix kinds).
    const unchanged = { headers: baseHeaders, target: path.target, body };
    const forInstance = (kind: string) =>
      withCredential(unchanged, engineCredential(service, kind, engine.apiKey));
    const idleTimeoutMs = config.gateway.timeout * 1000;
    const repeatableWork = IDEMPOTENT_METHODS.has(request.method) || repeatable;
    // The instance of the latest attempt, so that a streamed call can leave it out when it goes elsewhere.
    let attempted: string | undefined;
    const send = (leftOut: ReadonlySet<string>) =>
      this.dispatcher.dispatch<UpstreamResponse>(service, {
        // A request body is a one-shot stream here, so the dispatcher repeats only calls whose body is held
        // (or absent): idempotent methods, and POSTs of repeatable work (a transcription, a translation).
        retryable: repeatableWork && (!withBody || Buffer.isBuffer(body)),
        eligible:
          kinds || leftOut.size > 0
            ? (instance) => (!kinds || kinds.has(instance.kind)) && !leftOut.has(instance.id)
            : undefined,
        signal: callerGone,
        attempt: (instance, signal) => {
          attempted = instance.id;
          return this.transport.send(instance, {
            method: request.method,
            ...forInstance(instance.kind),
            signal,
            idleTimeoutMs,
          });
        },
        discard: (answer) => drain(answer.body),
      });
    const streamed = body instanceof LimitedBody ? body : undefined;
    /**
     * A streamed upload goes to another instance only while no byte of it has been read: an instance that
     * refused the connection (or could not be reached) never saw the body, which is still whole here.
     */
    const mayMoveOn = (error: unknown, leftOut: ReadonlySet<string>): boolean =>
      repeatableWork &&
      streamed !== undefined &&
      !streamed.readableDidRead &&
      !callerGone.aborted &&
      isBackendFailure(error) &&
      leftOut.size < config.gateway.retries;
    const dispatchMovingOn = async () => {
      const leftOut = new Set<string>();
      let previous: Error | undefined;
      for (;;) {
        attempted = undefined;
        try {
          return await send(leftOut);
        } catch (error) {
          // Nowhere else to go: the client hears what went wrong where it went.
          if (previous !== undefined && error instanceof NoInstanceAvailableError) throw previous;
          if (!attempted || !mayMoveOn(error, leftOut)) throw error;
          leftOut.add(attempted);
          previous = error instanceof Error ? error : new Error(String(error));
        }
      }
    };
    try {
      const delivered = await dispatchMovingOn();
      this.metrics.record(service, delivered.instance.kind, routing);
      const { status, headers: upstreamHeaders, body: answerBody } = delivered.answer;
      void reply.code(status).headers(downstreamResponseHeaders(upstreamHeaders));
      if (BODYLESS_STATUSES.has(status) || request.method === 'HEAD') {
        drain(answerBody);
        delivered.settle();
        return reply.send();
      }
      if (answerBody instanceof Readable) {
        finished(answerBody, (error) => delivered.settle(callerGone.aborted ? undefined : error));
      } else {
        delivered.settle();
      }
      return reply.send(answerBody);
    } catch (error) {
      this.metrics.record(service, null, routing);
      const limited = body instanceof LimitedBody ? body : undefined;
      limited?.destroy();
      return this.fail(
        request,
        reply,
        limited?.exceeded ? payloadTooLarge(bodyLimit) : toGatewayApiError(service, error),
      );
    }
  }

  /** The body whole, or the error to answer when it could not be read. */
  private async readBody(service: ServiceName, body: LimitedBody, limit: number): Promise<Buffer | ApiError> {
    try {
      return await readWhole(body);
    } catch (error) {
      return body.exceeded ? payloadTooLarge(limit) : toGatewayApiError(service, error);
    }
  }

  /** A request no kind of the pool serves: answered here, counted, never sent. */
  private refuse(
    service: ServiceName,
    request: FastifyRequest,
    reply: FastifyReply,
    error: ApiError,
  ): FastifyReply {
    this.metrics.record(service, null, 'refused');
    return this.fail(request, reply, error);
  }

  private fail(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
    const { status, body, headers } = this.errors.describe(error, String(request.id));
    return reply.code(status).headers(headers).type('application/json; charset=utf-8').send(body);
  }
}
