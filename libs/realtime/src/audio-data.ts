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
