import { randomInt, seededRandom } from './random';
import { TONE_VOCABULARY } from './vocabulary';

export interface ToneScriptOptions {
  seed: number;
  sentences: number;
  /** Words per sentence, both bounds included; default 3 to 8. */
  wordsPerSentence?: [number, number];
}

/** Deterministic sentences of vocabulary words: the same seed gives the same script. */
export function makeToneScript({
  seed,
  sentences,
  wordsPerSentence = [3, 8],
}: ToneScriptOptions): string[][] {
  const random = seededRandom(seed);
  const [min, max] = wordsPerSentence;
  return Array.from({ length: sentences }, () =>
    Array.from(
      { length: randomInt(random, min, max) },
      () => TONE_VOCABULARY[randomInt(random, 0, TONE_VOCABULARY.length - 1)],
    ),
  );
}
