import type { FastifyInstance } from 'fastify';
import type { OrchestrationConfig } from '@app/config';

const BACKEND_PROXY = /^\/api\/(whisper|speaker|translation)(\/|$)/;
const PIPELINE = /^\/api\/pipeline(\/|$)/;
/** Synchronous transcription: a multipart audio file (the engine-agnostic route and OpenAI's). */
const TRANSCRIPTION_UPLOAD = /^\/(api\/transcribe|v1\/audio\/transcriptions)(\?|$)/;
/** The multipart framing and text fields around an uploaded file. */
const MULTIPART_ENVELOPE_BYTES = 64 * 1024;
/** Room for the JSON around a base64 payload (field names, language lists). */
const JSON_ENVELOPE_BYTES = 64 * 1024;

/**
 * The largest body a route accepts. Audio is the only large input: proxied uploads get the proxy limit and
 * the pipeline gets its audio cap, as base64 in JSON (4 bytes per 3) since that form is the larger one;
 * multipart files are held to the cap itself by @fastify/multipart, and the synchronous transcription
 * routes get the cap plus room for the multipart framing.
 */
export function bodyLimitFor(url: string, config: OrchestrationConfig): number {
  if (BACKEND_PROXY.test(url)) return config.limits.proxyBodyBytes;
  if (PIPELINE.test(url)) return Math.ceil((config.pipeline.maxAudioBytes * 4) / 3) + JSON_ENVELOPE_BYTES;
  if (TRANSCRIPTION_UPLOAD.test(url)) return config.pipeline.maxAudioBytes + MULTIPART_ENVELOPE_BYTES;
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
