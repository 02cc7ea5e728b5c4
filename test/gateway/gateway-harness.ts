import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { ConfigStore } from '@app/config';
import { startApp, type RunningApp } from '../support/app-harness';

/** Nothing listens on port 1: calls to it are refused at once. */
export const NOWHERE = 'http://127.0.0.1:1';

/**
 * Boots the app with the given service URLs (`url` or comma lists of `url|weight`). The health monitor is
 * slowed down so that only the tests decide which instance is healthy, and the proxy rate limit is off
 * (0), since these tests send thousands of requests from one address.
 */
export function startGatewayApp(
  services: { whisper?: string; speaker?: string; translation?: string },
  env: Record<string, string> = {},
): Promise<RunningApp> {
  return startApp({
    WHISPER_SERVICE_URL: services.whisper ?? NOWHERE,
    SPEAKER_SERVICE_URL: services.speaker ?? NOWHERE,
    TRANSLATION_SERVICE_URL: services.translation ?? NOWHERE,
    HEALTH_CHECK_INTERVAL: '3600',
    RATE_LIMIT_PROXY: '0',
    ...env,
  });
}

/** Changes gateway settings at run time, the way POST /api/config does; the gateway rebuilds its policies. */
export function tuneGateway(running: RunningApp, gateway: Record<string, number>): void {
  running.app.get(ConfigStore).update({ gateway }, 'api');
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json<T = Record<string, unknown>>(): T;
}

/**
 * A request whose path is sent byte for byte: fetch and URL would normalise `..` and `%2e` away before
 * the gateway ever saw them.
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: OutgoingHttpHeaders; body?: Buffer | string } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          json: <T>() => JSON.parse(body.toString('utf8')) as T,
        });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
