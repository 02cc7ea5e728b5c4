import { HttpStatus } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError, asClientError } from '@app/common';
import { StreamedUpload } from '@app/engines';
import { MultipartScanner, malformed, multipartBoundary } from './multipart-scanner';
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

/** The audio limits held as the file's bytes pass: the WAV header's duration, the size at the end. */
function checkedUpload(limits: UploadLimits, declared: number): StreamedUpload {
  return new StreamedUpload({
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
}

/**
 * Reads a multipart transcription request as it arrives (MultipartScanner over the raw request): text
 * fields as they come, and the `file` part as a StreamedUpload that is announced (`onFile`) the moment it
 * begins, so its bytes can go on to an engine while the client is still sending them. The upload is held
 * to the audio limits as it goes: the size cap (413 as soon as the file passes it) and, for WAV, the
 * duration cap read from its header. Resolves with every field and the file once the form's closing
 * boundary has been read; rejects with the 4xx of the first problem, naming its field.
 */
export function readTranscriptionForm(
  request: FastifyRequest,
  limits: UploadLimits,
  events: FormEvents,
): Promise<{ fields: Record<string, unknown>; file?: FilePart; fieldsAfterFile: string[] }> {
  const fields: Record<string, unknown> = {};
  const fieldsAfterFile: string[] = [];
  let file: FilePart | undefined;
  let fileBytes = 0;
  const declared = Number(request.headers['content-length']);
  // Fastify leaves multipart bodies to their reader: the route's body limit (body-limits.ts) is held here.
  const { bodyLimit } = request.routeOptions;
  const raw = request.raw;
  return new Promise((resolve, reject) => {
    let received = 0;
    let settled = false;
    const scanner = new MultipartScanner(multipartBoundary(request.headers['content-type']), {
      field: (name, value) => {
        addField(fields, name, value);
        if (file) fieldsAfterFile.push(name);
      },
      fileStart: ({ fieldName, fileName = '', mimeType }) => {
        const refused = events.refusedFile({ fieldName, fileName, second: file !== undefined });
        if (refused) throw refused;
        file = { upload: checkedUpload(limits, declared), fileName, mimeType };
        events.onFile(file, { ...fields });
      },
      fileData: (chunk) => {
        fileBytes += chunk.length;
        if (fileBytes > limits.maxAudioBytes) throw tooLarge(limits);
        file!.upload.append(chunk);
      },
      fileEnd: () => file!.upload.end(),
    });
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      // What follows (an epilogue, the rest of a refused body) is read and dropped by the stream itself.
      raw.removeListener('data', onData);
      raw.removeListener('end', onEnd);
      raw.removeListener('close', onClose);
      if (error === undefined) {
        resolve({ fields, fieldsAfterFile, ...(file ? { file } : {}) });
        return;
      }
      const failure = asClientError(error);
      const asError = failure instanceof Error ? failure : new Error(String(failure));
      file?.upload.fail(asError);
      reject(asError);
    };
    const onData = (chunk: Buffer): void => {
      try {
        received += chunk.length;
        if (received > bodyLimit) throw tooLarge(limits);
        scanner.write(chunk);
        if (scanner.finished) finish();
      } catch (error) {
        finish(error);
      }
    };
    const onEnd = (): void => {
      try {
        scanner.end();
        finish();
      } catch (error) {
        finish(error);
      }
    };
    const onClose = (): void => finish(malformed('the upload was cut off before its end', scanner.part));
    raw.on('data', onData);
    raw.once('end', onEnd);
    raw.once('close', onClose);
    // A socket error is followed by 'close', which says what it means here.
    raw.on('error', () => undefined);
  });
}
