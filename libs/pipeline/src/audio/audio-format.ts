import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@app/common';

export type AudioFormat = 'wav' | 'mp3' | 'webm' | 'ogg' | 'flac';

export const AUDIO_CONTENT_TYPES: Record<AudioFormat, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  webm: 'audio/webm',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
};

export interface DetectedAudio {
  format: AudioFormat;
  contentType: string;
}

function startsWith(data: Buffer, text: string, offset = 0): boolean {
  return (
    data.length >= offset + text.length && data.toString('latin1', offset, offset + text.length) === text
  );
}

/**
 * The container is read from the first bytes rather than trusted from the client's `format` or file name:
 * a browser's MediaRecorder says "webm" for Ogg on some platforms, and engines decode by content type.
 * MP3 is either an ID3 tag or a bare MPEG audio frame (11 sync bits set).
 */
export function sniffAudioFormat(data: Buffer): AudioFormat | undefined {
  if (startsWith(data, 'RIFF') && startsWith(data, 'WAVE', 8)) return 'wav';
  if (startsWith(data, 'OggS')) return 'ogg';
  if (startsWith(data, 'fLaC')) return 'flac';
  if (data.length >= 4 && data.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
  if (startsWith(data, 'ID3')) return 'mp3';
  if (data.length >= 2 && data[0] === 0xff && (data[1] & 0xe0) === 0xe0) return 'mp3';
  return undefined;
}

/** Detects the format or refuses the upload with a 400 that says why. */
export function detectAudio(data: Buffer): DetectedAudio {
  if (data.length === 0) {
    throw new ApiError(HttpStatus.BAD_REQUEST, 'EMPTY_AUDIO', 'The audio is empty (0 bytes)');
  }
  const format = sniffAudioFormat(data);
  if (!format) {
    throw new ApiError(
      HttpStatus.BAD_REQUEST,
      'UNSUPPORTED_AUDIO_FORMAT',
      `The audio is not WAV, MP3, WebM, OGG or FLAC (first bytes: ${data.subarray(0, 8).toString('hex')})`,
    );
  }
  return { format, contentType: AUDIO_CONTENT_TYPES[format] };
}
