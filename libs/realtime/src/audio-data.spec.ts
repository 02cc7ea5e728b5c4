import { tone } from '../../../test/support/wav';
import { decodeAudioChunk } from './audio-data';
import { RealtimeError } from './realtime-error';

/** Size limits alone: no duration cap in the way. */
const decodeAudioData = (value: unknown, maxBytes: number) =>
  decodeAudioChunk(value, { maxBytes, maxSeconds: Number.POSITIVE_INFINITY });

describe('decodeAudioChunk: size and encoding', () => {
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

/** Duration limits alone: no size cap in the way. */
const checkChunkDuration = (value: unknown, maxSeconds: number) =>
  decodeAudioChunk(value, { maxBytes: Number.MAX_SAFE_INTEGER, maxSeconds });

describe('decodeAudioChunk: duration of a WAV chunk', () => {
  const threeSeconds = tone(3, 0.5);

  it('refuses a WAV chunk over the cap, binary or base64, naming its duration and the cap', () => {
    for (const audioData of [threeSeconds, threeSeconds.toString('base64')]) {
      let error: unknown;
      try {
        checkChunkDuration(audioData, 2);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(RealtimeError);
      expect(error).toMatchObject({
        code: 'AUDIO_TOO_LONG',
        message: 'The audio lasts 3 s; the limit is 2 s per chunk (websocket.max_chunk_seconds)',
        details: { duration_seconds: 3, limit_seconds: 2 },
      });
    }
  });

  it('measures a base64 chunk whose header states no size from its encoded length', () => {
    const streaming = Buffer.from(threeSeconds);
    streaming.writeUInt32LE(0xffffffff, 40);
    expect(() => checkChunkDuration(streaming.toString('base64'), 2)).toThrow('The audio lasts 3 s');
  });

  it('lets through chunks within the cap and formats it cannot measure', () => {
    expect(checkChunkDuration(threeSeconds, 3).equals(threeSeconds)).toBe(true);
    expect(checkChunkDuration(threeSeconds.toString('base64'), 3).equals(threeSeconds)).toBe(true);
    expect(() => checkChunkDuration(Buffer.from('OggS-not-measurable'), 1)).not.toThrow();
  });

  it('checks the size before the duration, so an oversized chunk is refused undecoded', () => {
    expect(() => decodeAudioChunk(threeSeconds.toString('base64'), { maxBytes: 100, maxSeconds: 1 })).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }),
    );
  });
});
