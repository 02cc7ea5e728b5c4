import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AudioInput } from './engine.types';
import type { StreamedUpload } from './upload/streamed-upload';

const EXTENSIONS: Record<string, string> = { wav: 'wav', mp3: 'mp3', webm: 'webm', ogg: 'ogg', flac: 'flac' };

/**
 * The multipart form every audio engine takes: the file under the engine's field name (`audio` for the
 * platform's whisper service, `file` elsewhere) with its real content type and a file name whose extension
 * matches, because ffmpeg-based servers guess the container from the name. Undefined fields are left out.
 */
export function audioForm(
  audio: AudioInput,
  fileField: string,
  fields: Record<string, string | number | boolean | undefined>,
): FormData {
  const form = new FormData();
  const extension = EXTENSIONS[audio.format] ?? 'bin';
  const blob = new Blob([audio.data], { type: audio.contentType });
  form.append(fileField, blob, audio.fileName ?? `audio.${extension}`);
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) form.append(name, String(value));
  }
  return form;
}

/**
 * Encodes a form as multipart bytes with its boundary. Sending bytes rather than the FormData object lets
 * the gateway resend the body on a retry, and does not depend on the HTTP client recognising Node's global
 * FormData class (the npm undici's dispatcher does not: it fails with "action is not a function").
 */
export async function encodeForm(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const encoded = new Response(form);
  return {
    body: Buffer.from(await encoded.arrayBuffer()),
    contentType: encoded.headers.get('content-type') ?? 'multipart/form-data',
  };
}

/** A quoted multipart header parameter: quotes and line breaks cannot end it early. */
function quoted(value: string): string {
  return `"${value.replace(/["\r\n]/g, (c) => encodeURIComponent(c))}"`;
}

/**
 * Encodes a form as multipart bytes that stream: the text parts first (an engine that acts as it reads
 * knows the language and format before the audio starts), then the file part, whose content is read from
 * `upload` as it arrives, so the engine gets the audio's first bytes while the client is still sending the
 * rest. Without a length the body goes out chunked, which every kind that streams accepts.
 */
export function streamForm(form: FormData, upload: StreamedUpload): { body: Readable; contentType: string } {
  const boundary = `----livetranslate${randomBytes(12).toString('hex')}`;
  const fields: string[] = [];
  let fileHead: string | undefined;
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      fields.push(
        `--${boundary}\r\ncontent-disposition: form-data; name=${quoted(name)}\r\n\r\n${value}\r\n`,
      );
    } else if (fileHead === undefined) {
      fileHead =
        `--${boundary}\r\ncontent-disposition: form-data; name=${quoted(name)}; filename=${quoted(value.name)}\r\n` +
        `content-type: ${value.type || 'application/octet-stream'}\r\n\r\n`;
    } else {
      throw new Error(`streamForm: one file part only (a second one is named ${name})`);
    }
  }
  if (fileHead === undefined) throw new Error('streamForm: the form has no file part for the upload');
  return {
    body: upload.open({
      before: Buffer.from(fields.join('') + fileHead),
      after: Buffer.from(`\r\n--${boundary}--\r\n`),
    }),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
