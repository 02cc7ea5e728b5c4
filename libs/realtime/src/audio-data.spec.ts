import { decodeAudioData } from './audio-data';

describe('decodeAudioData', () => {
  it('takes binary as it is and base64 decoded', () => {
    expect(decodeAudioData(Buffer.from([1, 2, 3]), 10)).toEqual(Buffer.from([1, 2, 3]));
    expect(decodeAudioData(new Uint8Array([4, 5]), 10)).toEqual(Buffer.from([4, 5]));
    expect(decodeAudioData(Buffer.from('hello').toString('base64'), 10).toString()).toBe('hello');
  });

  it('refuses text that is not base64, and empty audio', () => {
    for (const bad of ['abc', 'ab!d', '====', '']) {
      expect(() => decodeAudioData(bad, 100)).toThrow(expect.objectContaining({ code: 'INVALID_AUDIO' }));
    }
    expect(() => decodeAudioData(Buffer.alloc(0), 100)).toThrow(
      expect.objectContaining({ code: 'INVALID_AUDIO' }),
    );
  });

  it('refuses audio over the limit by its decoded size, at the exact boundary', () => {
    expect(decodeAudioData(Buffer.alloc(8).toString('base64'), 8)).toHaveLength(8);
    expect(() => decodeAudioData(Buffer.alloc(9).toString('base64'), 8)).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }),
    );
    expect(() => decodeAudioData(Buffer.alloc(9), 8)).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }),
    );
  });

  it('refuses values that are neither binary nor text', () => {
    expect(() => decodeAudioData(42, 8)).toThrow(expect.objectContaining({ code: 'INVALID_PAYLOAD' }));
  });
});
