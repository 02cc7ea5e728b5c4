import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import type { BackendInstance } from './backend-instance';
import type { HeaderMap } from './proxy-headers';

export interface UpstreamRequest {
  method: string;
  /** Path and query under the instance's base URL, starting with '/'. */
  target: string;
  headers: HeaderMap;
  body?: Dispatcher.DispatchOptions['body'];
  signal: AbortSignal;
  /** Longest silence allowed between body chunks once the answer has started. */
  idleTimeoutMs: number;
}

/** An answer whose body has not been read yet: it streams from the backend as the consumer reads. */
export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData['body'];
}

/** Fails a connection attempt that the kernel neither accepts nor refuses (a black-holed address). */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * The one HTTP client to the backends: a keep-alive connection pool per origin (undici), so proxied calls
 * do not pay a TCP handshake each. Bodies stream in both directions.
 */
@Injectable()
export class UpstreamTransport implements OnApplicationShutdown {
  private readonly agent = new Agent({
    keepAliveTimeout: 10_000,
    connect: { timeout: CONNECT_TIMEOUT_MS },
  });

  async send(instance: BackendInstance, request: UpstreamRequest): Promise<UpstreamResponse> {
    const response = await this.agent.request({
      origin: instance.origin,
      path: instance.basePath + request.target,
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      // The attempt's own timeout (a cockatiel policy) bounds the wait for headers.
      headersTimeout: 0,
      bodyTimeout: request.idleTimeoutMs,
    });
    return { status: response.statusCode, headers: response.headers, body: response.body };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy();
  }
}
