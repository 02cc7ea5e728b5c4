/** What the detector found; `levelDb` is null when the audio could not be measured. */
export interface VoiceActivity {
  /** RMS level in dBFS, floored at SILENCE_FLOOR_DB. */
  levelDb: number | null;
  speechDetected: boolean;
  /** Seconds of audio, when the container says. */
  durationSeconds?: number;
  /** False for compressed formats, which are passed through unmeasured. */
  measured: boolean;
}

/** A digital zero has no finite level; the meter shows it as this floor. */
export const SILENCE_FLOOR_DB = -120;

interface PcmLayout {
  encoding: 'int' | 'float';
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataOffset: number;
  dataLength: number;
}

/**
 * Walks the RIFF chunks to the `fmt ` and `data` chunks. Streaming recorders write a data size of 0 or
 * 0xFFFFFFFF before they know it, so the size is clamped to what was actually received.
 */
export function readPcmLayout(wav: Buffer): PcmLayout | undefined {
  let offset = 12;
  let format: Omit<PcmLayout, 'dataOffset' | 'dataLength'> | undefined;
  for (let guard = 0; guard < 64 && offset + 8 <= wav.length; guard++) {
    const id = wav.toString('latin1', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && body + 16 <= wav.length) {
      let tag = wav.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of the sub-format GUID.
      if (tag === 0xfffe && body + 26 <= wav.length) tag = wav.readUInt16LE(body + 24);
      if (tag !== 1 && tag !== 3) return undefined;
      format = {
        encoding: tag === 3 ? 'float' : 'int',
        channels: wav.readUInt16LE(body + 2),
        sampleRate: wav.readUInt32LE(body + 4),
        bitsPerSample: wav.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format) return undefined;
      const available = wav.length - body;
      const dataLength = size === 0 || size > available ? available : size;
      return { ...format, dataOffset: body, dataLength };
    }
    offset = body + size + (size % 2);
  }
  return undefined;
}

function sampleReader(layout: PcmLayout): ((wav: Buffer, at: number) => number) | undefined {
  const { encoding, bitsPerSample } = layout;
  if (encoding === 'float' && bitsPerSample === 32) return (w, at) => w.readFloatLE(at);
  if (encoding === 'float' && bitsPerSample === 64) return (w, at) => w.readDoubleLE(at);
  if (encoding !== 'int') return undefined;
  switch (bitsPerSample) {
    case 8:
      return (w, at) => (w[at] - 128) / 128;
    case 16:
      return (w, at) => w.readInt16LE(at) / 32768;
    case 24:
      return (w, at) => w.readIntLE(at, 3) / 8388608;
    case 32:
      return (w, at) => w.readInt32LE(at) / 2147483648;
    default:
      return undefined;
  }
}

/**
 * Energy-based voice activity: the RMS level of all samples (all channels) in dBFS, compared with the
 * threshold. Only PCM WAV can be measured without a decoder; other formats report `measured: false` and
 * count as speech, so the speech-to-text engine (which decodes them) decides.
 */
export function detectVoiceActivity(audio: Buffer, format: string, thresholdDb: number): VoiceActivity {
  const layout = format === 'wav' ? readPcmLayout(audio) : undefined;
  const read = layout ? sampleReader(layout) : undefined;
  if (!layout || !read || layout.channels === 0 || layout.sampleRate === 0) {
    return { levelDb: null, speechDetected: true, measured: false };
  }
  const bytesPerSample = layout.bitsPerSample / 8;
  const samples = Math.floor(layout.dataLength / bytesPerSample);
  let sumOfSquares = 0;
  for (let i = 0; i < samples; i++) {
    const value = read(audio, layout.dataOffset + i * bytesPerSample);
    sumOfSquares += value * value;
  }
  const rms = samples > 0 ? Math.sqrt(sumOfSquares / samples) : 0;
  const levelDb = rms > 0 ? Math.max(SILENCE_FLOOR_DB, 20 * Math.log10(rms)) : SILENCE_FLOOR_DB;
  return {
    levelDb: Math.round(levelDb * 10) / 10,
    speechDetected: levelDb >= thresholdDb,
    durationSeconds: samples / layout.channels / layout.sampleRate,
    measured: true,
  };
}
