import { endianness } from 'node:os';

/** The rate every live stream is converted to: what Whisper-family engines decode, and WebRTC VAD takes. */
export const ENGINE_SAMPLE_RATE = 16000;
/** Samples per millisecond at ENGINE_SAMPLE_RATE. */
export const SAMPLES_PER_MS = ENGINE_SAMPLE_RATE / 1000;

/**
 * Typed arrays use the machine's byte order: on little-endian machines (all mainstream ones) PCM is copied
 * as bytes, which at 100 live streams costs a fraction of the per-sample conversion.
 */
const LITTLE_ENDIAN = endianness() === 'LE';

/** Copies little-endian 16-bit PCM bytes into samples (a Buffer's offset need not be 2-aligned). */
export function pcm16FromBytes(bytes: Uint8Array): Int16Array {
  const samples = new Int16Array(bytes.length >> 1);
  if (LITTLE_ENDIAN) {
    new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 2));
    return samples;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, samples.length * 2);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true);
  return samples;
}

/** A 16-bit PCM mono WAV file of the samples, as the engines' multipart upload takes it. */
export function pcmWav(samples: Int16Array, sampleRate = ENGINE_SAMPLE_RATE): Buffer {
  const dataBytes = samples.length * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVE', 8, 'latin1');
  wav.write('fmt ', 12, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(dataBytes, 40);
  if (LITTLE_ENDIAN) {
    wav.set(new Uint8Array(samples.buffer, samples.byteOffset, dataBytes), 44);
    return wav;
  }
  for (let i = 0; i < samples.length; i++) wav.writeInt16LE(samples[i], 44 + i * 2);
  return wav;
}

/** RMS level of the samples in dBFS; digital silence reads as -120. */
export function levelDb(samples: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = samples.length > 0 ? Math.sqrt(sum / samples.length) / 32768 : 0;
  return rms > 0 ? Math.max(-120, 20 * Math.log10(rms)) : -120;
}
