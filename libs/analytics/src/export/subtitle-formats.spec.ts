import { parseSrtStrict, parseVttStrict } from '../../../../test/support/subtitle-validators';
import type { Cue } from './cues';
import { formatTimestamp, toSrt, toText, toVtt } from './subtitle-formats';

const cues: Cue[] = [
  { start: 0, end: 2.5, text: 'Hello there.', speaker: 'SPEAKER_00' },
  { start: 2.5, end: 3661.0105, text: 'A long\n\nanswer <with> & markup -->', speaker: 'SPEAKER_01' },
  { start: 3661.5, end: 3662, text: 'No speaker' },
];

describe('formatTimestamp', () => {
  it('writes HH:MM:SS with the format separator and rounded milliseconds', () => {
    expect(formatTimestamp(0, ',')).toBe('00:00:00,000');
    expect(formatTimestamp(3661.0105, ',')).toBe('01:01:01,011');
    expect(formatTimestamp(59.9996, '.')).toBe('00:01:00.000');
    expect(formatTimestamp(100 * 3600, '.')).toBe('100:00:00.000');
    expect(formatTimestamp(-1, ',')).toBe('00:00:00,000');
  });
});

describe('toSrt', () => {
  it('numbers cues from 1 with comma times, blank-line separated, speakers as a prefix', () => {
    const srt = toSrt(cues);
    expect(srt.startsWith('1\n00:00:00,000 --> 00:00:02,500\nSPEAKER_00: Hello there.\n\n2\n')).toBe(true);
    const parsed = parseSrtStrict(srt);
    expect(parsed.map((cue) => cue.index)).toEqual([1, 2, 3]);
    expect(parsed[1]).toMatchObject({
      start: 2.5,
      end: 3661.011,
      text: 'SPEAKER_01: A long\nanswer <with> & markup -->',
    });
    expect(parsed[2].text).toBe('No speaker');
  });

  it('writes nothing for no cues', () => {
    expect(toSrt([])).toBe('');
  });
});

describe('toVtt', () => {
  it('starts with the WEBVTT header, uses dot times, voice spans, and escapes markup', () => {
    const vtt = toVtt(cues);
    expect(vtt.startsWith('WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.500\n<v SPEAKER_00>Hello there.\n')).toBe(
      true,
    );
    const parsed = parseVttStrict(vtt);
    expect(parsed).toHaveLength(3);
    expect(parsed[1]).toMatchObject({
      voice: 'SPEAKER_01',
      text: 'A long\nanswer &lt;with&gt; &amp; markup --&gt;',
    });
    expect(parsed[2].voice).toBeUndefined();
  });

  it('is a valid empty file for no cues', () => {
    expect(toVtt([])).toBe('WEBVTT\n');
    expect(parseVttStrict(toVtt([]))).toEqual([]);
  });
});

describe('toText', () => {
  it('writes one line per cue with its start time and speaker', () => {
    expect(toText(cues).split('\n')).toEqual([
      '[00:00:00] SPEAKER_00: Hello there.',
      '[00:00:02] SPEAKER_01: A long answer <with> & markup -->',
      '[01:01:01] No speaker',
      '',
    ]);
  });
});
