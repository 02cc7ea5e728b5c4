/**
 * Reads a 16-bit PCM mono WAV upload. The engine reads WAV on its own rather than through the product's
 * `readWavHeader`: a fake engine that shared the code under test could not catch its mistakes.
 */
export function readPcm16Wav(wav: Buffer): { samples: Int16Array; sampleRate: number } | string {
  if (wav.length < 12 || wav.toString('latin1', 0, 4) !== 'RIFF' || wav.toString('latin1', 8, 12) !== 'WAVE')
    return 'the file is not a WAV file';
  let sampleRate: number | undefined;
  for (let offset = 12; offset + 8 <= wav.length;) {
    const id = wav.toString('latin1', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (
        wav.readUInt16LE(body) !== 1 ||
        wav.readUInt16LE(body + 2) !== 1 ||
        wav.readUInt16LE(body + 14) !== 16
      )
        return 'the WAV file is not 16-bit PCM mono';
      sampleRate = wav.readUInt32LE(body + 4);
    } else if (id === 'data') {
      if (sampleRate === undefined) return 'the WAV file has no fmt chunk before its data';
      // Streaming writers leave the size at 0 or 0xFFFFFFFF: take what arrived.
      const end = size === 0 || body + size > wav.length ? wav.length : body + size;
      const pcm = wav.subarray(body, end - ((end - body) % 2));
      // Copied, so the samples are aligned whatever the header length.
      const samples = new Int16Array(pcm.length / 2);
      Buffer.from(samples.buffer).set(pcm);
      return { samples, sampleRate };
    }
    offset = body + size + (size % 2);
  }
  return 'the WAV file has no data chunk';
}
