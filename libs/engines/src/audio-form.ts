import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AudioInput } from './engine.types';
import type { StreamedUpload } from './upload/streamed-upload';

const EXTENSIONS: Record<string, string> = { wav: 'wav', mp3: 'mp3', webm: 'webm', ogg: 'ogg', flac: 'flac' };

/**
 * The multipart form an audio engine takes, as plain data: encoded whole (`encodeForm`) or streamed
 * (`streamForm`). Not a FormData: building one (and its Blob) per call cost about 0.1 ms on the front door's
 * hot path, and the streamed form only needs the names and values.
 */
export interface AudioForm {
  file: { field: string; name: string; type: string; data: Buffer };
  /** Text parts in order; a repeated name (`timestamp_granularities[]`) appears once per value. */
  fields: [string, string][];
}

/**
 * The multipart form every audio engine takes: the file under the engine's field name (`audio` for the
 * platform's whisper service, `file` elsewhere) with its real content type and a file name whose extension
 * matches, because ffmpeg-based servers guess the container from the name. Undefined fields are left out.
 */
export function audioForm(
  audio: AudioInput,
  fileField: string,
  fields: Record<string, string | number | boolean | undefined>,
): AudioForm {
  const extension = EXTENSIONS[audio.format] ?? 'bin';
  const form: AudioForm = {
    file: {
      field: fileField,
      name: audio.fileName ?? `audio.${extension}`,
      type: audio.contentType,
      data: audio.data,
    },
    fields: [],
  };
  for (const name in fields) {
    const value = fields[name];
    if (value !== undefined) form.fields.push([name, String(value)]);
  }
  return form;
}

/**
 * Encodes a form as multipart bytes with its boundary (the file part first, as before). Sending bytes
 * rather than a FormData object lets the gateway resend the body on a retry, and does not depend on the
 * HTTP client recognising Node's global FormData class (the npm undici's dispatcher does not: it fails with
 * "action is not a function").
 */
export async function encodeForm(form: AudioForm): Promise<{ body: Buffer; contentType: string }> {
  const data = new FormData();
  data.append(form.file.field, new Blob([form.file.data], { type: form.file.type }), form.file.name);
  for (const [name, value] of form.fields) data.append(name, value);
  const encoded = new Response(data);
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
export function streamForm(form: AudioForm, upload: StreamedUpload): { body: Readable; contentType: string } {
  // randomUUID draws on an entropy cache that node refills in batches; randomBytes per call (a synchronous
  // read of the system's generator) cost about 30 µs of the front door's per-call setup (bench:frontdoor).
  const boundary = `----livetranslate${randomUUID()}`;
  let head = '';
  for (const [name, value] of form.fields) {
    head += `--${boundary}\r\ncontent-disposition: form-data; name=${quoted(name)}\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\ncontent-disposition: form-data; name=${quoted(form.file.field)}; filename=${quoted(form.file.name)}\r\n` +
    `content-type: ${form.file.type || 'application/octet-stream'}\r\n\r\n`;
  return {
    body: upload.open({ before: Buffer.from(head), after: Buffer.from(`\r\n--${boundary}--\r\n`) }),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
