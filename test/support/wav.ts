/** Builds a 16-bit PCM mono WAV from samples in -1..1 (for VAD tests and fake uploads). */
export function pcmWav(samples: number[] | Float32Array, sampleRate = 16000): Buffer {
  const pcm = Int16Array.from(samples, (value) => Math.round(Math.max(-1, Math.min(1, value)) * 32767));
  return pcm16Wav(pcm, sampleRate);
}

/** A 16-bit PCM mono WAV of `samples` as they are (a chunk of recorded audio, as a recorder sends it). */
export function pcm16Wav(samples: Int16Array, sampleRate = 16000): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** A sine tone of `amplitude` (0..1) lasting `seconds`. */
export function tone(seconds: number, amplitude: number, sampleRate = 16000, hz = 440): Buffer {
  const samples = Array.from(
    { length: Math.round(seconds * sampleRate) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate),
  );
  return pcmWav(samples, sampleRate);
}
