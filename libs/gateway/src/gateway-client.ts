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
import { BackendTimeoutError, toGatewayApiError } from './gateway-errors';
import type { HeaderMap } from './proxy-headers';
import { UpstreamDispatcher } from './upstream-dispatcher';
import { UpstreamTransport, type UpstreamRequest } from './upstream-transport';

interface ReadAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function withQuery(path: string, query: BackendRequest['query']): string {
  const entries = Object.entries(query ?? {}).filter(
    (entry): entry is [string, string | number | boolean] => entry[1] !== undefined,
  );
  if (entries.length === 0) return path;
  const search = new URLSearchParams(entries.map(([key, value]): [string, string] => [key, String(value)]));
  return `${path}${path.includes('?') ? '&' : '?'}${search.toString()}`;
}

/** Multi-valued headers are joined as HTTP allows, so callers read one string per name. */
function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
  );
}

/**
 * Headers and body as sent. FormData is serialised here (by the platform's own encoder) because the
 * global FormData and the undici client's are different implementations; as bytes it can also be resent.
 */
async function encodedBody(
  request: BackendRequest,
): Promise<{ headers: HeaderMap; body: UpstreamRequest['body'] }> {
  const headers: HeaderMap = Object.fromEntries(
    Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  if (request.requestId) headers['x-request-id'] = request.requestId;
  if (request.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    return { headers, body: JSON.stringify(request.json) };
  }
  if (request.body instanceof FormData) {
    const encoded = new Response(request.body);
    headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
    return { headers, body: Buffer.from(await encoded.arrayBuffer()) };
  }
  return { headers, body: request.body };
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
    const { headers, body } = await encodedBody(request);
    const target = withQuery(request.path, request.query);
    const idleTimeoutMs = request.timeoutMs ?? this.configStore.current.gateway.timeout * 1000;
    // A stream can be sent once only; buffers, strings and form data can be sent again.
    const retryable = (request.idempotent ?? request.method !== 'POST') && !(body instanceof Readable);
    const started = performance.now();
    try {
      const delivered = await this.dispatcher.dispatch<ReadAnswer>(service, {
        retryable,
        instanceId: request.instanceId,
        signal: request.signal,
        timeoutMs: request.timeoutMs,
        attempt: async (instance, signal) => {
          const answer = await this.transport.read(instance, {
            method: request.method,
            target,
            headers,
            body,
            signal,
            idleTimeoutMs,
          });
          return {
            status: answer.status,
            headers: flatHeaders(answer.headers),
            body: answer.body,
          };
        },
      });
      delivered.settle();
      const { status, headers: answerHeaders, body: answerBody } = delivered.answer;
      return {
        status,
        ok: status >= 200 && status < 300,
        headers: answerHeaders,
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
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      const answer = await this.transport.read(instance, {
        method: 'GET',
        target: path,
        headers: { ...options.headers },
        signal: deadline,
        idleTimeoutMs: timeoutMs,
      });
      return {
        status: answer.status,
        headers: flatHeaders(answer.headers),
        body: answer.body,
        durationMs: performance.now() - started,
      };
    } catch (error) {
      throw toGatewayApiError(service, deadline.aborted ? new BackendTimeoutError(timeoutMs) : error);
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
