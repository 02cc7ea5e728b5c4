import { clamp01 } from '../confidence';

export interface IdentifiedLanguage {
  /** ISO 639-1. */
  language: string;
  /** 0..1, the identifier's own score (low for a few words, where any identifier is unsure). */
  confidence: number;
}

type Tinyld = typeof import('tinyld');
let tinyld: Promise<Tinyld> | undefined;

/**
 * The language of a text, by tinyld (offline n-gram profiles shipped inside the package, pure JS), among
 * `candidates` when given: restricting to the languages an engine can translate from is what makes a two-word
 * text ("Hello world") come out right. Loaded on first use, since its profiles take about a second and 20 MB.
 * Undefined when nothing matches (a text of digits or a single short word).
 */
export async function identifyLanguage(
  text: string,
  candidates?: readonly string[],
): Promise<IdentifiedLanguage | undefined> {
  const [best] = await identifyLanguages(text, candidates);
  return best;
}

/** Every language the identifier finds plausible for `text` (among `candidates`), most likely first. */
export async function identifyLanguages(
  text: string,
  candidates?: readonly string[],
): Promise<IdentifiedLanguage[]> {
  const library = await (tinyld ??= import('tinyld'));
  return library
    .detectAll(text, candidates ? { only: [...candidates] } : {})
    .filter((match) => match.lang)
    .map((match) => ({ language: match.lang, confidence: clamp01(match.accuracy) }));
}
