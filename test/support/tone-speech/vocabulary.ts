/**
 * The tone-speech vocabulary (CONTRACTS §6): 40 English words, each one Apertium's eng→spa pair translates
 * (checked against the installed pair), so a transcript's Spanish translation means something.
 */
export const TONE_VOCABULARY = [
  'house',
  'water',
  'city',
  'book',
  'friend',
  'river',
  'window',
  'garden',
  'music',
  'morning',
  'table',
  'train',
  'street',
  'doctor',
  'village',
  'mountain',
  'teacher',
  'letter',
  'kitchen',
  'money',
  'people',
  'bread',
  'night',
  'tree',
  'door',
  'child',
  'bird',
  'road',
  'ship',
  'fire',
  'island',
  'summer',
  'winter',
  'flower',
  'apple',
  'dog',
  'cat',
  'moon',
  'sun',
  'sea',
] as const satisfies readonly string[];

export type ToneWord = (typeof TONE_VOCABULARY)[number];

/** Peak amplitude of a word's sine, as a fraction of full scale. */
export const TONE_AMPLITUDE = 0.3;
/** Linear fade in and out at each end of a word, so bursts have no clicks. */
export const TONE_RAMP_MS = 10;
const SHORTEST_WORD_MS = 220;
const LONGEST_WORD_MS = 520;

const INDEX = new Map<string, number>(TONE_VOCABULARY.map((word, i) => [word, i]));

/** The word's position in the vocabulary; throws for a word outside it (a typo in a test script). */
export function toneWordIndex(word: string): number {
  const index = INDEX.get(word);
  if (index === undefined) throw new Error(`"${word}" is not a tone-speech word`);
  return index;
}

/** Word i is a sine at 400 + 50·i Hz. */
export function toneWordFrequencyHz(word: string): number {
  return 400 + 50 * toneWordIndex(word);
}

/**
 * Nominal length, 220–520 ms. Stepping the index by 17 (coprime with 40) spreads the lengths over the
 * whole range, so neighbouring frequencies do not also have neighbouring lengths.
 */
export function toneWordLengthMs(word: string): number {
  const rank = (toneWordIndex(word) * 17) % TONE_VOCABULARY.length;
  const step = (LONGEST_WORD_MS - SHORTEST_WORD_MS) / (TONE_VOCABULARY.length - 1);
  return Math.round(SHORTEST_WORD_MS + rank * step);
}
