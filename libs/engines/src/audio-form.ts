import type { AudioInput } from './engine.types';

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
