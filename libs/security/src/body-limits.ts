import type { FastifyInstance } from 'fastify';
import type { OrchestrationConfig } from '@app/config';

const BACKEND_PROXY = /^\/api\/(whisper|speaker|translation)(\/|$)/;
const PIPELINE = /^\/api\/pipeline(\/|$)/;
/** Room for the JSON around a base64 payload (field names, language lists). */
const JSON_ENVELOPE_BYTES = 64 * 1024;

/**
 * The largest body a route accepts. Audio is the only large input: proxied uploads get the proxy limit and
 * the pipeline gets its audio cap, as base64 in JSON (4 bytes per 3) since that form is the larger one;
 * multipart files are held to the cap itself by @fastify/multipart.
 */
export function bodyLimitFor(url: string, config: OrchestrationConfig): number {
  if (BACKEND_PROXY.test(url)) return config.limits.proxyBodyBytes;
  if (PIPELINE.test(url)) return Math.ceil((config.pipeline.maxAudioBytes * 4) / 3) + JSON_ENVELOPE_BYTES;
  return config.limits.jsonBodyBytes;
}

/**
 * Sets each route's Fastify bodyLimit from its path as the route is registered, so feature controllers need
 * no per-route option. Must be called before Nest registers the routes (i.e. before `app.init()`).
 */
export function applyRouteBodyLimits(fastify: FastifyInstance, config: OrchestrationConfig): void {
  fastify.addHook('onRoute', (route) => {
    route.bodyLimit ??= bodyLimitFor(route.url ?? route.path, config);
  });
}
