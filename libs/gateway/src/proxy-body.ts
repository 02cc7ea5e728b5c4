import { HttpStatus } from '@nestjs/common';
import { Transform, type TransformCallback } from 'node:stream';
import { ApiError } from '@app/common';

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
