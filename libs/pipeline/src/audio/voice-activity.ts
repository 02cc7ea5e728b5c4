import { readWavHeader, type WavHeader } from './wav-header';

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

type PcmLayout = WavHeader & { encoding: 'int' | 'float' };

/** The header of an integer or float PCM WAV; other WAVE encodings (ADPCM, ...) cannot be measured here. */
export function readPcmLayout(wav: Buffer): PcmLayout | undefined {
  const header = readWavHeader(wav);
  if (!header || (header.formatTag !== 1 && header.formatTag !== 3)) return undefined;
  return { ...header, encoding: header.formatTag === 3 ? 'float' : 'int' };
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
