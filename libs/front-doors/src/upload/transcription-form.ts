import { HttpStatus } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError, asClientError } from '@app/common';
import { StreamedUpload } from '@app/engines';
import { audioTooLong, readWavHeader } from '@app/pipeline';

export interface UploadLimits {
  maxAudioBytes: number;
  maxAudioSeconds: number;
}

export interface FilePart {
  upload: StreamedUpload;
  fileName: string;
  mimeType: string;
}

/** What the form said, part by part, as `readTranscriptionForm` tells it, and the route's own checks. */
export interface FormEvents {
  /**
   * The route's 4xx for a file part it does not take (in another field, a second one, an extension it does
   * not know); undefined to take it.
   */
  refusedFile(part: { fieldName: string; fileName: string; second: boolean }): Error | undefined;
  /** The file part began, with the text fields that came before it. */
  onFile(file: FilePart, fieldsBefore: Record<string, unknown>): void;
}

/** A WAV data size a streaming recorder writes before it knows the real one (0 or 0xFFFFFFFF). */
const OPEN_SIZE = 0xffffffff;

/**
 * The byte count a WAV header's duration is read against: the file's real size once it is in; before that
 * the request's declared length, or, for a chunked request, the header's own data size when it states one
 * (an open size is checked at the end instead: bounded by the head alone it would say nothing).
 */
function wavBound(head: Buffer, totalBytes: number | undefined, declared: number): number {
  if (totalBytes !== undefined) return totalBytes;
  if (Number.isFinite(declared)) return declared;
  const header = readWavHeader(head, Number.MAX_SAFE_INTEGER);
  return header && header.dataLength < OPEN_SIZE ? Number.MAX_SAFE_INTEGER : head.length;
}

function tooLarge(limits: UploadLimits): ApiError {
  return new ApiError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'AUDIO_TOO_LARGE',
    `The audio exceeds ${limits.maxAudioBytes} bytes (pipeline.max_audio_bytes)`,
    { param: 'file' },
  );
}

function addField(fields: Record<string, unknown>, name: string, value: unknown): void {
  // A repeated field (`timestamp_granularities[]`) keeps every value, in order.
  const earlier = fields[name];
  fields[name] =
    earlier === undefined ? value : [...(Array.isArray(earlier) ? (earlier as unknown[]) : [earlier]), value];
}

/**
 * Reads a multipart transcription request as it arrives: text fields as they come, and the `file` part as
 * a StreamedUpload that is announced (`onFile`) the moment it begins, so its bytes can go on to an engine
 * while the client is still sending them. The upload is held to the audio limits as it goes: the size cap
 * (@fastify/multipart's fileSize, a truncated file fails it with 413) and, for WAV, the duration cap read
 * from its header. Resolves with every field and the file once the whole form has been read.
 */
export async function readTranscriptionForm(
  request: FastifyRequest,
  limits: UploadLimits,
  events: FormEvents,
): Promise<{ fields: Record<string, unknown>; file?: FilePart; fieldsAfterFile: string[] }> {
  const fields: Record<string, unknown> = {};
  const fieldsAfterFile: string[] = [];
  let file: FilePart | undefined;
  const declared = Number(request.headers['content-length']);
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        addField(fields, part.fieldname, part.value);
        if (file) fieldsAfterFile.push(part.fieldname);
        continue;
      }
      const refused = events.refusedFile({
        fieldName: part.fieldname,
        fileName: part.filename,
        second: file !== undefined,
      });
      if (refused) {
        part.file.resume();
        throw refused;
      }
      const stream = part.file;
      const upload = new StreamedUpload(stream, {
        truncated: () => (stream.truncated ? tooLarge(limits) : undefined),
        inspect: (head, totalBytes) => {
          const tooLong = audioTooLong(head, limits.maxAudioSeconds, wavBound(head, totalBytes, declared));
          return tooLong
            ? new ApiError(
                HttpStatus.PAYLOAD_TOO_LARGE,
                'AUDIO_TOO_LONG',
                `${tooLong.message} (pipeline.max_audio_seconds)`,
                {
                  param: 'file',
                  duration_seconds: tooLong.durationSeconds,
                  limit_seconds: tooLong.limitSeconds,
                },
              )
            : undefined;
        },
      });
      file = { upload, fileName: part.filename, mimeType: part.mimetype };
      events.onFile(file, { ...fields });
    }
  } catch (error) {
    // @fastify/multipart's own error for a file over its fileSize limit, in the words of the other limits.
    const failure =
      (error as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE'
        ? tooLarge(limits)
        : asClientError(error);
    file?.upload.fail(failure instanceof Error ? failure : new Error(String(failure)));
    throw failure;
  }
  return { fields, fieldsAfterFile, ...(file ? { file } : {}) };
}
