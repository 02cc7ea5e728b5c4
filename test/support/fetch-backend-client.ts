import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@app/common';
import type { ServiceName } from '@app/config';
import type { BackendClient, BackendRequest, BackendResponse, ProbeOptions, ProbeResult } from '@app/gateway';

/**
 * A BackendClient without policies: one fetch to one base URL per service. Adapter unit tests use it to
 * talk to fake engine servers over real HTTP without booting the gateway.
 */
export class FetchBackendClient implements BackendClient {
  readonly calls: { service: ServiceName; request: BackendRequest }[] = [];

  constructor(private readonly baseUrls: Partial<Record<ServiceName, string>>) {}

  request(service: ServiceName, request: BackendRequest): Promise<BackendResponse> {
    this.calls.push({ service, request });
    return this.fetch(service, request);
  }

  private async fetch(service: ServiceName, request: BackendRequest): Promise<BackendResponse> {
    const base = this.baseUrls[service];
    if (!base) throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'BACKEND_UNAVAILABLE', `no ${service} URL`);
    const url = new URL(base + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { ...request.headers };
    let body: FormData | string | Uint8Array | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.body instanceof FormData || typeof request.body === 'string') {
      body = request.body;
    } else if (Buffer.isBuffer(request.body)) {
      body = new Uint8Array(request.body);
    }
    const started = performance.now();
    let answer: Response;
    try {
      answer = await fetch(url, { method: request.method, headers, body, signal: request.signal });
    } catch (error) {
      throw new ApiError(HttpStatus.BAD_GATEWAY, 'BACKEND_UNAVAILABLE', (error as Error).message);
    }
    const buffer = Buffer.from(await answer.arrayBuffer());
    return {
      status: answer.status,
      ok: answer.ok,
      headers: Object.fromEntries(answer.headers.entries()),
      body: buffer,
      instanceId: `${service}-0`,
      instanceUrl: base,
      durationMs: performance.now() - started,
      text: () => buffer.toString('utf8'),
      json: <T>() => JSON.parse(buffer.toString('utf8')) as T,
    };
  }

  /** The same fetch, recorded in `probes` rather than `calls` (the adapters ask capabilities this way). */
  readonly probes: { service: ServiceName; path: string; options: ProbeOptions }[] = [];

  async probe(
    service: ServiceName,
    _instanceId: string,
    path: string,
    options: ProbeOptions = {},
  ): Promise<ProbeResult> {
    this.probes.push({ service, path, options });
    const signal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const { status, headers, body, durationMs } = await this.fetch(service, {
      method: 'GET',
      path,
      headers: options.headers,
      signal,
    });
    return { status, headers, body, durationMs };
  }
}
