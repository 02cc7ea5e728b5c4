import { pcmWav, tone } from '../../../../test/support/wav';
import { readWavHeader, wavDurationSeconds } from './wav-header';

/** Inserts a chunk between the RIFF header and `fmt `, as recorders do with LIST/INFO metadata. */
function withChunkBeforeFmt(wav: Buffer, id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  const padding = Buffer.alloc(body.length % 2);
  return Buffer.concat([wav.subarray(0, 12), header, body, padding, wav.subarray(12)]);
}

describe('WAV header duration', () => {
  it('is data size / byte rate for PCM, at any sample rate', () => {
    expect(wavDurationSeconds(tone(1.5, 0.5))).toBe(1.5);
    expect(wavDurationSeconds(tone(0.25, 0.5, 8000))).toBe(0.25);
  });

  it('uses the stated byte rate, so a compressed WAVE encoding has a duration too', () => {
    const adpcm = pcmWav(new Array(16000).fill(0));
    adpcm.writeUInt16LE(0x11, 20); // IMA ADPCM
    adpcm.writeUInt32LE(4000, 28); // bytes per second
    expect(wavDurationSeconds(adpcm)).toBe(8);
    expect(readWavHeader(adpcm)).toMatchObject({ formatTag: 0x11, byteRate: 4000, dataLength: 32000 });
  });

  it('skips chunks before fmt, odd-sized ones padded', () => {
    const wav = withChunkBeforeFmt(tone(2, 0.5), 'LIST', Buffer.from('INFOodd'));
    expect(wavDurationSeconds(wav)).toBe(2);
  });

  it('clamps an unknown (streaming) or overstated data size to what was received', () => {
    const streaming = tone(0.5, 0.5);
    streaming.writeUInt32LE(0xffffffff, 40);
    expect(wavDurationSeconds(streaming)).toBe(0.5);
    streaming.writeUInt32LE(0, 40);
    expect(wavDurationSeconds(streaming)).toBe(0.5);
  });

  it('reads a header prefix against the total size of the whole file', () => {
    const wav = tone(3, 0.5);
    wav.writeUInt32LE(0xffffffff, 40);
    expect(wavDurationSeconds(wav.subarray(0, 64), wav.length)).toBe(3);
  });

  it('has no duration for other containers, a missing fmt chunk or a zero byte rate', () => {
    expect(wavDurationSeconds(Buffer.from('OggS\0\0\0\0\0\0\0\0\0\0\0\0'))).toBeUndefined();
    expect(wavDurationSeconds(Buffer.from('fLaC\0\0\0\0'))).toBeUndefined();
    const noFmt = tone(1, 0.5);
    noFmt.write('junk', 12, 'latin1');
    expect(wavDurationSeconds(noFmt)).toBeUndefined();
    const zeroRate = tone(1, 0.5);
    zeroRate.writeUInt32LE(0, 28);
    expect(wavDurationSeconds(zeroRate)).toBeUndefined();
    expect(wavDurationSeconds(tone(1, 0.5).subarray(0, 30))).toBeUndefined();
  });
});
