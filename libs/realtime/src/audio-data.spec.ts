import { tone } from '../../../test/support/wav';
import { checkChunkDuration, decodeAudioData } from './audio-data';
import { RealtimeError } from './realtime-error';

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

describe('checkChunkDuration', () => {
  const threeSeconds = tone(3, 0.5);

  it('refuses a WAV chunk over the cap, binary or base64, naming its duration and the cap', () => {
    for (const audioData of [threeSeconds, threeSeconds.toString('base64')]) {
      let error: unknown;
      try {
        checkChunkDuration({ audio_data: audioData }, 2);
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
    expect(() => checkChunkDuration({ audio_data: streaming.toString('base64') }, 2)).toThrow(
      'The audio lasts 3 s',
    );
  });

  it('lets through chunks within the cap, other formats and payloads the decoder will refuse', () => {
    expect(() => checkChunkDuration({ audio_data: threeSeconds }, 3)).not.toThrow();
    expect(() => checkChunkDuration({ audio_data: Buffer.from('OggS-not-measurable') }, 1)).not.toThrow();
    expect(() => checkChunkDuration({ audio_data: 42 }, 1)).not.toThrow();
    expect(() => checkChunkDuration(undefined, 1)).not.toThrow();
  });
});
