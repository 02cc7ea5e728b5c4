import { sniffAudioFormat } from './audio-format';

/** The `fmt ` fields of a RIFF/WAVE file and where its `data` chunk lies. */
export interface WavHeader {
  /** WAVE format tag (1 PCM, 3 IEEE float, ...); for WAVE_FORMAT_EXTENSIBLE the sub-format's tag. */
  formatTag: number;
  channels: number;
  sampleRate: number;
  /** Average bytes per second, as the `fmt ` chunk states it; valid for compressed WAVE formats too. */
  byteRate: number;
  bitsPerSample: number;
  dataOffset: number;
  dataLength: number;
}

/**
 * Walks the RIFF chunks to the `fmt ` and `data` chunks. Streaming recorders write a data size of 0 or
 * 0xFFFFFFFF before they know it, so the size is clamped to what was actually received: `totalBytes`, when
 * only the start of a larger file is at hand (a header prefix), else the buffer's length.
 */
export function readWavHeader(wav: Buffer, totalBytes = wav.length): WavHeader | undefined {
  let offset = 12;
  let format: Omit<WavHeader, 'dataOffset' | 'dataLength'> | undefined;
  for (let guard = 0; guard < 64 && offset + 8 <= wav.length; guard++) {
    const id = wav.toString('latin1', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && body + 16 <= wav.length) {
      let formatTag = wav.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of the sub-format GUID.
      if (formatTag === 0xfffe && body + 26 <= wav.length) formatTag = wav.readUInt16LE(body + 24);
      format = {
        formatTag,
        channels: wav.readUInt16LE(body + 2),
        sampleRate: wav.readUInt32LE(body + 4),
        byteRate: wav.readUInt32LE(body + 8),
        bitsPerSample: wav.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format) return undefined;
      const available = Math.max(0, totalBytes - body);
      const dataLength = size === 0 || size > available ? available : size;
      return { ...format, dataOffset: body, dataLength };
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}

/**
 * Seconds of audio in a WAV file, from its header alone (data size / byte rate), so a cap can be checked
 * without decoding. Undefined when the data is not RIFF/WAVE, has no `fmt ` before its `data` chunk within
 * `wav`, or states a byte rate of 0: other containers (MP3, WebM, OGG, FLAC) need decoding to know their
 * duration, and only the size cap applies to them.
 */
export function wavDurationSeconds(wav: Buffer, totalBytes = wav.length): number | undefined {
  if (sniffAudioFormat(wav) !== 'wav') return undefined;
  const header = readWavHeader(wav, totalBytes);
  if (!header || header.byteRate === 0) return undefined;
  return header.dataLength / header.byteRate;
}

export interface AudioTooLong {
  durationSeconds: number;
  limitSeconds: number;
  /** Names the duration and the cap, for the REST error and the WebSocket `error` event alike. */
  message: string;
}

/**
 * Whether audio is over a duration cap, as far as its header tells (WAV only, see wavDurationSeconds): the
 * check the job route and the stream events share, each wrapping it in its own error type.
 */
export function audioTooLong(
  audio: Buffer,
  limitSeconds: number,
  totalBytes = audio.length,
): AudioTooLong | undefined {
  const duration = wavDurationSeconds(audio, totalBytes);
  if (duration === undefined || duration <= limitSeconds) return undefined;
  // Two decimals, so a duration just over the cap never reads as equal to it.
  const durationSeconds = Math.ceil(duration * 100) / 100;
  return {
    durationSeconds,
    limitSeconds,
    message: `The audio lasts ${durationSeconds} s; the limit is ${limitSeconds} s`,
  };
}
