import { audioTooLong } from '@app/pipeline';
import { RealtimeError } from './realtime-error';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * `audio_data` arrives as binary (Socket.IO delivers a Buffer) or as a base64 string. The size bound is
 * checked before decoding, from the encoded length, so an oversized string costs no decode.
 */
export function decodeAudioData(value: unknown, maxBytes: number): Buffer {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return checkSize(Buffer.from(value.buffer, value.byteOffset, value.byteLength), maxBytes);
  }
  if (value instanceof ArrayBuffer) return checkSize(Buffer.from(value), maxBytes);
  if (typeof value !== 'string') {
    throw new RealtimeError('INVALID_PAYLOAD', 'audio_data must be binary or a base64 string', {
      fields: [{ field: 'audio_data', message: 'must be binary or a base64 string' }],
    });
  }
  const text = value.replace(/\s+/g, '');
  const decodedLength = Math.floor((text.length * 3) / 4) - (text.match(/=+$/)?.[0].length ?? 0);
  if (decodedLength > maxBytes) throw tooLarge(decodedLength, maxBytes);
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) {
    throw new RealtimeError('INVALID_AUDIO', 'audio_data is not valid base64', {
      fields: [{ field: 'audio_data', message: 'is not valid base64' }],
    });
  }
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

/**
 * Base64 characters decoded to read a WAV header: room for `fmt ` behind a few KiB of LIST/INFO metadata.
 * A header beyond it is not measured, and the chunk is bounded by its size alone.
 */
const HEADER_PREFIX_CHARS = 8192;

/**
 * AUDIO_TOO_LONG when a stream event's `audio_data` is a WAV chunk longer than `maxSeconds`. Only the header
 * is read (a base64 string is decoded just for its first bytes), so the check costs nothing next to the full
 * decode that follows; audio that is not WAV, or not valid, is left to that decode and its errors.
 */
export function checkChunkDuration(payload: unknown, maxSeconds: number): void {
  const value = (payload as { audio_data?: unknown } | null | undefined)?.audio_data;
  let header: Buffer;
  let totalBytes: number;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    header = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    totalBytes = header.length;
  } else if (value instanceof ArrayBuffer) {
    header = Buffer.from(value);
    totalBytes = header.length;
  } else if (typeof value === 'string') {
    header = Buffer.from(value.slice(0, HEADER_PREFIX_CHARS), 'base64');
    // From the length and padding, without decoding; whitespace (which decoding skips) is counted too, which
    // overstates a WAV's duration by microseconds at most.
    totalBytes = Buffer.byteLength(value, 'base64');
  } else {
    return;
  }
  const tooLong = audioTooLong(header, maxSeconds, totalBytes);
  if (tooLong) {
    throw new RealtimeError('AUDIO_TOO_LONG', `${tooLong.message} per chunk (websocket.max_chunk_seconds)`, {
      duration_seconds: tooLong.durationSeconds,
      limit_seconds: tooLong.limitSeconds,
    });
  }
}
