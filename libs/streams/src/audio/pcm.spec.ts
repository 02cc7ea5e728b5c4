import { pcm16FromBytes, pcmWav } from './pcm';

describe('pcm', () => {
  const samples = Int16Array.from([0, 1, -1, 32767, -32768, 12345, -2]);

  it('reads little-endian 16-bit samples from bytes at any offset', () => {
    const bytes = Buffer.alloc(1 + samples.length * 2 + 1);
    samples.forEach((sample, i) => bytes.writeInt16LE(sample, 1 + i * 2));
    // Odd offset and a trailing odd byte, as a Socket.IO binary attachment may arrive.
    expect(pcm16FromBytes(bytes.subarray(1))).toEqual(samples);
  });

  it('writes a 16 kHz mono WAV whose data are the samples, little-endian, from a view into a larger array', () => {
    const backing = new Int16Array(samples.length + 3);
    backing.set(samples, 2);
    const wav = pcmWav(backing.subarray(2, 2 + samples.length));
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(16000);
    expect(wav.readUInt32LE(40)).toBe(samples.length * 2);
    expect(wav.length).toBe(44 + samples.length * 2);
    expect(Array.from({ length: samples.length }, (_, i) => wav.readInt16LE(44 + i * 2))).toEqual([
      ...samples,
    ]);
  });
});
