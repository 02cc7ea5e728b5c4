import { audioTooLong } from '@app/pipeline';
import { RealtimeError } from './realtime-error';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Base64 characters decoded to read a WAV header: room for `fmt ` behind a few KiB of LIST/INFO metadata.
 * A header beyond it is not measured, and the chunk is bounded by its size alone.
 */
const HEADER_PREFIX_CHARS = 8192;

/** The per-chunk limits of the stream events (websocket.max_chunk_bytes, websocket.max_chunk_seconds). */
export interface ChunkLimits {
  maxBytes: number;
  maxSeconds: number;
}

/**
 * A stream event's `audio_data` as bytes, within the chunk limits: the one place they are checked. It
 * arrives as binary (Socket.IO delivers a Buffer) or as a base64 string. The size is checked before
 * decoding, from the encoded length, so an oversized string costs no decode; the duration of a WAV chunk
 * from its header alone (a base64 string is decoded just for its first bytes). Audio that is not WAV is
 * bounded by its size only.
 */
export function decodeAudioChunk(value: unknown, limits: ChunkLimits): Buffer {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const audio = checkSize(Buffer.from(value.buffer, value.byteOffset, value.byteLength), limits.maxBytes);
    checkDuration(audio, audio.length, limits.maxSeconds);
    return audio;
  }
  if (value instanceof ArrayBuffer) {
    const audio = checkSize(Buffer.from(value), limits.maxBytes);
    checkDuration(audio, audio.length, limits.maxSeconds);
    return audio;
  }
  if (typeof value !== 'string') {
    throw new RealtimeError('INVALID_PAYLOAD', 'audio_data must be binary or a base64 string', {
      fields: [{ field: 'audio_data', message: 'must be binary or a base64 string' }],
    });
  }
  const text = value.replace(/\s+/g, '');
  const decodedLength = Math.floor((text.length * 3) / 4) - (text.match(/=+$/)?.[0].length ?? 0);
  if (decodedLength > limits.maxBytes) throw tooLarge(decodedLength, limits.maxBytes);
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new RealtimeError('INVALID_AUDIO', 'audio_data is not valid base64', {
      fields: [{ field: 'audio_data', message: 'is not valid base64' }],
    });
  }
  checkDuration(Buffer.from(text.slice(0, HEADER_PREFIX_CHARS), 'base64'), decodedLength, limits.maxSeconds);
  return Buffer.from(text, 'base64');
}

function checkSize(audio: Buffer, maxBytes: number): Buffer {
  if (audio.length === 0) {
    throw new RealtimeError('INVALID_AUDIO', 'audio_data is empty', {
      fields: [{ field: 'audio_data', message: 'is empty' }],
    });
  }
  if (audio.length > maxBytes) throw tooLarge(audio.length, maxBytes);
  return audio;
}

function tooLarge(size: number, maxBytes: number): RealtimeError {
  return new RealtimeError(
    'PAYLOAD_TOO_LARGE',
    `audio_data is ${size} bytes; the limit is ${maxBytes} bytes per chunk`,
    { limit_bytes: maxBytes },
  );
}

/** AUDIO_TOO_LONG when the audio is a WAV chunk longer than `maxSeconds`, as far as its header tells. */
function checkDuration(header: Buffer, totalBytes: number, maxSeconds: number): void {
  const tooLong = audioTooLong(header, maxSeconds, totalBytes);
  if (tooLong) {
    throw new RealtimeError('AUDIO_TOO_LONG', `${tooLong.message} per chunk (websocket.max_chunk_seconds)`, {
      duration_seconds: tooLong.durationSeconds,
      limit_seconds: tooLong.limitSeconds,
    });
  }
}
