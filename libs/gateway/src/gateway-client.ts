import { HttpStatus, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { ApiError } from '@app/common';
import { ConfigStore, type ServiceName } from '@app/config';
import type {
  BackendClient,
  BackendRequest,
  BackendResponse,
  ProbeOptions,
  ProbeResult,
} from './backend-client';
import type { BackendInstance } from './backend-instance';
import { BackendPool } from './backend-pool';
import { toGatewayApiError } from './gateway-errors';
import type { HeaderMap } from './proxy-headers';
import { UpstreamDispatcher } from './upstream-dispatcher';
import { UpstreamTransport, type CompleteResponse, type UpstreamRequest } from './upstream-transport';

function withQuery(path: string, query: BackendRequest['query']): string {
  if (query === undefined) return path;
  const entries = Object.entries(query).filter(
    (entry): entry is [string, string | number | boolean] => entry[1] !== undefined,
  );
  if (entries.length === 0) return path;
  const search = new URLSearchParams(entries.map(([key, value]): [string, string] => [key, String(value)]));
  return `${path}${path.includes('?') ? '&' : '?'}${search.toString()}`;
}

/** Multi-valued headers are joined as HTTP allows, so callers read one string per name. */
function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** The request's headers as sent: lower-case names, and the request id. */
function sentHeaders(request: BackendRequest): HeaderMap {
  const headers: HeaderMap = {};
  for (const name in request.headers) headers[name.toLowerCase()] = request.headers[name];
  if (request.requestId) headers['x-request-id'] = request.requestId;
  return headers;
}

/**
 * The body as sent (setting its content type when the body says what it is). A JSON, byte or stream body
 * is ready at once, with no turn of the event loop per call.
 */
function plainBody(request: BackendRequest, headers: HeaderMap): UpstreamRequest['body'] {
  if (request.json === undefined) return request.body as Exclude<BackendRequest['body'], FormData>;
  headers['content-type'] ??= 'application/json';
  return JSON.stringify(request.json);
}

/**
 * FormData is serialised here (by the platform's own encoder) because the global FormData and the undici
 * client's are different implementations; as bytes it can also be resent.
 */
async function formBody(form: FormData, headers: HeaderMap): Promise<Buffer> {
  const encoded = new Response(form);
  headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
  return Buffer.from(await encoded.arrayBuffer());
}

/**
 * The typed client that other modules (engines, pipeline, realtime) use for every backend call: the same
 * balancing, retry, breaker, bulkhead and timeout as the proxy, with the answer read in full.
 */
@Injectable()
export class GatewayClient implements BackendClient {
  constructor(
    private readonly dispatcher: UpstreamDispatcher,
    private readonly transport: UpstreamTransport,
    private readonly pool: BackendPool,
    private readonly configStore: ConfigStore,
  ) {}

  async request(service: ServiceName, request: BackendRequest): Promise<BackendResponse> {
    const headers = sentHeaders(request);
    const body =
      request.json === undefined && request.body instanceof FormData
        ? await formBody(request.body, headers)
        : plainBody(request, headers);
    const target = withQuery(request.path, request.query);
    const idleTimeoutMs = request.timeoutMs ?? this.configStore.current.gateway.timeout * 1000;
    // A stream can be sent once only; buffers, strings and form data can be sent again.
    const retryable = (request.idempotent ?? request.method !== 'POST') && !(body instanceof Readable);
    const started = performance.now();
    try {
      // The transport's answer as it comes (no async step of its own per attempt); its headers are
      // flattened once, for the answer that is delivered.
      const delivered = await this.dispatcher.dispatch<CompleteResponse>(service, {
        retryable,
        instanceId: request.instanceId,
        signal: request.signal,
        timeoutMs: request.timeoutMs,
        attempt: (instance, signal, timeoutMs) =>
          this.transport.read(instance, {
            method: request.method,
            target,
            headers,
            body,
            signal,
            timeoutMs,
            idleTimeoutMs,
          }),
      });
      delivered.settle();
      const { status, headers: answerHeaders, body: answerBody } = delivered.answer;
      return {
        status,
        ok: status >= 200 && status < 300,
        headers: flatHeaders(answerHeaders),
        body: answerBody,
        instanceId: delivered.instance.id,
        instanceUrl: delivered.instance.url,
        durationMs: performance.now() - started,
        text: () => answerBody.toString('utf8'),
        json: <T>() => JSON.parse(answerBody.toString('utf8')) as T,
      };
    } catch (error) {
      throw toGatewayApiError(service, error);
    }
  }

  /**
   * Straight to one instance: no balancing, breaker, bulkhead, retry or traffic stats, so health checks see
   * the truth while a breaker is open, and discovery neither waits for nor takes a slot of real work.
   */
  async probe(
    service: ServiceName,
    instanceId: string,
    path: string,
    options: ProbeOptions = {},
  ): Promise<ProbeResult> {
    const instance = this.instance(service, instanceId);
    const timeoutMs = options.timeoutMs ?? this.configStore.current.gateway.timeout * 1000;
    const started = performance.now();
    try {
      // The transport fails a probe that has not answered within timeoutMs with BackendTimeoutError.
      const answer = await this.transport.read(instance, {
        method: 'GET',
        target: path,
        headers: { ...options.headers },
        timeoutMs,
        idleTimeoutMs: timeoutMs,
      });
      return {
        status: answer.status,
        headers: flatHeaders(answer.headers),
        body: answer.body,
        durationMs: performance.now() - started,
      };
    } catch (error) {
      throw toGatewayApiError(service, error);
    }
  }

  private instance(service: ServiceName, instanceId: string): BackendInstance {
    const instance = this.pool.service(service).find(instanceId);
    if (!instance) {
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        'UNKNOWN_INSTANCE',
        `${service} has no instance ${instanceId}`,
        {
          service,
        },
      );
    }
    return instance;
  }
}
