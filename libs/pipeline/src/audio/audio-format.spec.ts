import { tone } from '../../../../test/support/wav';
import { detectAudio, sniffAudioFormat } from './audio-format';

describe('audio format detection by magic bytes', () => {
  it.each([
    ['wav', tone(0.01, 0.5), 'audio/wav'],
    ['ogg', Buffer.from('OggS\x00\x02rest', 'latin1'), 'audio/ogg'],
    ['flac', Buffer.from('fLaC\x00\x00\x00\x22', 'latin1'), 'audio/flac'],
    ['webm', Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]), 'audio/webm'],
    ['mp3', Buffer.from('ID3\x04\x00\x00', 'latin1'), 'audio/mpeg'],
    ['mp3', Buffer.from([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg'],
  ])('recognises %s', (format, data, contentType) => {
    expect(detectAudio(data)).toEqual({ format, contentType });
  });

  it('refuses empty audio with a 400 naming the reason', () => {
    expect(() => detectAudio(Buffer.alloc(0))).toThrow(
      expect.objectContaining({ status: 400, code: 'EMPTY_AUDIO' }),
    );
  });

  it('refuses other content with a 400 naming the supported formats', () => {
    expect(() => detectAudio(Buffer.from('%PDF-1.7'))).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'UNSUPPORTED_AUDIO_FORMAT',
        message: expect.stringContaining('WAV, MP3, WebM, OGG or FLAC'),
      }),
    );
    expect(sniffAudioFormat(Buffer.from('RIFF\x00\x00\x00\x00AVI ', 'latin1'))).toBeUndefined();
  });
});
