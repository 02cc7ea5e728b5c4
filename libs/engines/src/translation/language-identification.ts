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
  const library = await (tinyld ??= import('tinyld'));
  const [best] = library.detectAll(text, candidates ? { only: [...candidates] } : {});
  return best?.lang ? { language: best.lang, confidence: clamp01(best.accuracy) } : undefined;
}
