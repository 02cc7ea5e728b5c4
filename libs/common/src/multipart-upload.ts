import { HttpStatus } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError, ValidationFailedError } from './api-error';

export interface UploadedFile {
  data: Buffer;
  fileName: string;
  mimeType: string;
}

/**
 * A multipart body: the file part named `file` (any other file field is refused, naming it) and the text
 * fields (a repeated one as the list of its values). The file is read whole: every engine call may be retried on another instance, which needs the
 * bytes again.
 */
export async function readMultipartUpload(
  request: FastifyRequest,
): Promise<{ fields: Record<string, unknown>; file?: UploadedFile }> {
  const fields: Record<string, unknown> = {};
  let file: UploadedFile | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') {
          throw new ValidationFailedError([
            { field: part.fieldname, message: 'the audio file goes in field "file"' },
          ]);
        }
        file = { data: await part.toBuffer(), fileName: part.filename, mimeType: part.mimetype };
      } else {
        // A repeated field (`timestamp_granularities[]`) keeps every value, in order.
        const earlier = fields[part.fieldname];
        fields[part.fieldname] =
          earlier === undefined
            ? part.value
            : [...(Array.isArray(earlier) ? (earlier as unknown[]) : [earlier]), part.value];
      }
    }
  } catch (error) {
    throw asClientError(error);
  }
  return file ? { fields, file } : { fields };
}

/**
 * @fastify/multipart's own errors (file too large, too many parts) carry a 4xx status that the exception
 * filter maps; busboy's parse errors ("Unexpected end of form", "Malformed part header") carry none, yet
 * they are the client's malformed body, not a server fault.
 */
export function asClientError(error: unknown): unknown {
  if (error instanceof ApiError || typeof (error as { statusCode?: unknown }).statusCode === 'number')
    return error;
  return new ApiError(
    HttpStatus.BAD_REQUEST,
    'BAD_MULTIPART',
    `Malformed multipart body: ${(error as Error).message}`,
  );
}
