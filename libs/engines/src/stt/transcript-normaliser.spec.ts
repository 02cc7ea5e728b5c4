import { UNSCORED_CONFIDENCE } from '../confidence';
import { normaliseTranscript, segmentConfidence } from './transcript-normaliser';

const context = { backend: 'openai@whisper-0', processingMs: 12 };

describe('segmentConfidence', () => {
  it('is exp(avg_logprob) × (1 − no_speech_prob), weighted by segment duration', () => {
    const confidence = segmentConfidence([
      { start: 0, end: 3, avg_logprob: Math.log(0.9), no_speech_prob: 0 },
      { start: 3, end: 4, avg_logprob: Math.log(0.5), no_speech_prob: 0.2 },
    ]);
    expect(confidence).toBeCloseTo((3 * 0.9 + 1 * 0.5 * 0.8) / 4, 6);
  });

  it('is undefined when no segment carries a score', () => {
    expect(segmentConfidence([{ start: 0, end: 1, text: 'hi' }])).toBeUndefined();
  });
});

describe('normaliseTranscript', () => {
  it('trims, maps the language name to ISO 639-1 and takes the duration from the last segment', () => {
    const result = normaliseTranscript(
      {
        text: ' Hello there ',
        language: 'english',
        segments: [{ start: 0, end: 1.5, text: ' Hello there' }],
      },
      context,
    );
    expect(result).toMatchObject({
      text: 'Hello there',
      language: 'en',
      duration: 1.5,
      segments: [{ start: 0, end: 1.5, text: 'Hello there' }],
      confidence: UNSCORED_CONFIDENCE,
      noSpeech: false,
    });
  });

  it("uses the engine's stated confidence only when segments carry no scores", () => {
    expect(normaliseTranscript({ text: 'a', segments: [], statedConfidence: 0.9 }, context).confidence).toBe(
      0.9,
    );
  });

  it("treats segments that Whisper's own thresholds call silence as no speech", () => {
    const result = normaliseTranscript(
      { text: 'you', segments: [{ start: 0, end: 1, text: 'you', avg_logprob: -1.4, no_speech_prob: 0.8 }] },
      context,
    );
    expect(result).toMatchObject({ text: '', segments: [], confidence: 0, noSpeech: true });
  });

  it('falls back to the requested language, then to "und"', () => {
    expect(
      normaliseTranscript({ text: 'x', segments: [] }, { ...context, requestedLanguage: 'fr' }).language,
    ).toBe('fr');
    expect(
      normaliseTranscript({ text: 'x', segments: [] }, { ...context, requestedLanguage: 'auto' }).language,
    ).toBe('und');
  });
});
