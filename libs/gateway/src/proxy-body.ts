import { HttpStatus } from '@nestjs/common';
import { Transform, type TransformCallback } from 'node:stream';
import { ApiError } from '@app/common';
import type { EngineCredential } from './engine-credentials';
import type { HeaderMap } from './proxy-headers';

export function payloadTooLarge(limit: number): ApiError {
  return new ApiError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'PAYLOAD_TOO_LARGE',
    `Request body exceeds the limit of ${limit} bytes`,
    { limit },
    // The rest of an oversized upload is not read; the connection cannot be reused.
    { connection: 'close' },
  );
}

/**
 * The client's body on its way to the backend. The route's body limit cannot be left to Fastify (it only
 * enforces it on bodies it parses, and proxied bodies are not parsed), so bytes are counted as they pass
 * and the stream fails once there are too many: the backend call is aborted and the client gets 413.
 * Also decouples the backend from the client's socket: a failing backend destroys this stream, not it.
 */
export class LimitedBody extends Transform {
  exceeded = false;
  private bytes = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      this.exceeded = true;
      callback(payloadTooLarge(this.limit));
      return;
    }
    callback(null, chunk);
  }
}

/** Whether a request body is JSON (`application/json` or a `+json` type). */
export function isJsonContent(contentType: string | undefined): boolean {
  const type = contentType?.split(';', 1)[0].trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

/**
 * Whether a body's top-level parameter names can be read (JSON, or an HTML form's url-encoding): small
 * bodies by nature, read whole only when they decide between engine kinds that share a path.
 */
export function isParameterBody(contentType: string | undefined): boolean {
  const type = contentType?.split(';', 1)[0].trim().toLowerCase() ?? '';
  return isJsonContent(type) || type === 'application/x-www-form-urlencoded';
}

/** Reads a (limited) body whole, for engines whose key goes inside a JSON body. */
export async function readWhole(body: LimitedBody): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Sets one member of a JSON body's top-level object (LibreTranslate's `api_key`). A body that is not a JSON
 * object is passed on unchanged, for the engine to refuse in its own words.
 */
export function withJsonField(bytes: Buffer, field: { name: string; value: string }): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return bytes;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return bytes;
  return Buffer.from(JSON.stringify({ ...parsed, [field.name]: field.value }));
}

/** Sets one query parameter of a request target, replacing any the client sent under that name. */
export function withQueryField(target: string, field: { name: string; value: string }): string {
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1));
  query.set(field.name, field.value);
  return `${path}?${query.toString()}`;
}

/** What one attempt sends: headers, request target and body. */
export interface ProxiedRequest {
  headers: HeaderMap;
  target: string;
  body: LimitedBody | Buffer | undefined;
}

/**
 * The request with the engine's key in the form its kind reads: headers, or a field, which goes into a held
 * JSON body and otherwise into the query (a streamed body cannot be changed).
 */
export function withCredential(request: ProxiedRequest, credential: EngineCredential): ProxiedRequest {
  const { field } = credential;
  if (!field && Object.keys(credential.headers).length === 0) return request;
  const headers = { ...request.headers, ...credential.headers };
  if (!field) return { ...request, headers };
  const withKey = Buffer.isBuffer(request.body) ? withJsonField(request.body, field) : undefined;
  if (!withKey || withKey === request.body) {
    return { headers, target: withQueryField(request.target, field), body: request.body };
  }
  return {
    headers: { ...headers, 'content-length': String(withKey.length) },
    target: request.target,
    body: withKey,
  };
}
