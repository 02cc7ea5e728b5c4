import type { SessionEntry } from '@app/session';
import { transcriptCues, translationCues, translationLanguages } from './cues';

const at = '2026-01-01T00:00:00.000Z';

function transcript(
  chunkId: string,
  offset: number,
  segments: { start: number; end: number; text: string; speaker?: string }[],
  text = '',
): SessionEntry {
  return {
    kind: 'transcript',
    chunkId,
    at,
    text,
    language: 'en',
    confidence: 0.9,
    segments,
    offset,
    backend: 'test',
  };
}

function translation(
  chunkId: string,
  offset: number,
  translatedText: string,
  targetLanguage: string,
  duration?: number,
): SessionEntry {
  return {
    kind: 'translation',
    chunkId,
    at,
    text: 'source',
    translatedText,
    sourceLanguage: 'en',
    targetLanguage,
    confidence: 0.8,
    offset,
    duration,
    backend: 'test',
  };
}

describe('transcriptCues', () => {
  it('places segments at the chunk offset plus their own times, in order', () => {
    const cues = transcriptCues([
      transcript('c2', 10, [{ start: 0.5, end: 2, text: ' second ' }]),
      transcript('c1', 0, [
        { start: 0, end: 1.2, text: 'first', speaker: 'A' },
        { start: 1.2, end: 1.2, text: 'zero length' },
        { start: 2, end: 3, text: '   ' },
      ]),
    ]);
    expect(cues).toEqual([
      { start: 0, end: 1.2, text: 'first', speaker: 'A' },
      { start: 1.2, end: 2.2, text: 'zero length', speaker: undefined },
      { start: 10.5, end: 12, text: 'second', speaker: undefined },
    ]);
  });

  it('takes the speaker who talks longest in a segment from the diarisation of the same chunk', () => {
    const cues = transcriptCues([
      transcript('c1', 30, [{ start: 0, end: 4, text: 'who said this' }]),
      {
        kind: 'speakers',
        chunkId: 'c1',
        at,
        offset: 30,
        segments: [
          { speaker: 'SPEAKER_00', start: 0, end: 1 },
          { speaker: 'SPEAKER_01', start: 1, end: 4 },
        ],
      },
    ]);
    expect(cues[0].speaker).toBe('SPEAKER_01');
  });

  it('estimates the span of a chunk without segments and stops it where the next cue starts', () => {
    const cues = transcriptCues([
      transcript('c1', 0, [], 'one two three four five six seven eight nine ten'),
      transcript('c2', 3, [{ start: 0, end: 1, text: 'next' }]),
    ]);
    expect(cues[0]).toMatchObject({ start: 0, end: 3 });
    const alone = transcriptCues([transcript('c1', 5, [], 'hi')]);
    expect(alone[0]).toMatchObject({ start: 5, end: 6 });
  });
});

describe('translationCues', () => {
  const history = [
    transcript('c1', 0, [{ start: 0, end: 2, text: 'hello', speaker: 'A' }]),
    translation('c1', 0, 'hola', 'es', 2),
    translation('c1', 0, 'bonjour', 'fr', 2),
    translation('c2', 2, 'adiós', 'es'),
  ];

  it('exports one language, timed by the chunk, with the chunk speaker', () => {
    expect(translationCues(history, 'es')).toEqual([
      { start: 0, end: 2, text: 'hola', speaker: 'A' },
      { start: 2, end: 3, text: 'adiós', speaker: undefined },
    ]);
  });

  it('lists the languages that have translations', () => {
    expect(translationLanguages(history)).toEqual(['es', 'fr']);
  });
});
