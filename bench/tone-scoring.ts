import type { ToneSpeech } from '../test/support/tone-speech';
import { alignWords } from '../test/support/tone-speech';

/**
 * Text a client showed: when (ms of stream time, 0 = the stream's first sample was captured), which part
 * of the audio it covers, and whether it is final (a chunk's result, or a live `transcript_final`).
 */
export interface ShownText {
  atMs: number;
  fromMs: number;
  toMs: number;
  words: string[];
  final: boolean;
}

export interface StreamScore {
  referenceWords: number;
  /** Word edits of the final transcript against the script. */
  edits: number;
  /** Per word shown correctly: ms from the end of the word to the first text showing it. */
  shownDelays: number[];
  /** Per sentence: when it ended (stream ms), and ms from then to the first final covering that moment. */
  finalDelays: { endMs: number; delayMs: number }[];
  /** Sentences no final covered. */
  sentencesMissing: number;
}

/** Reference words this close outside a text's audio window still count as covered (frame edges). */
const WINDOW_SLACK_MS = 100;

/**
 * Scores one stream: word error rate of `finalWords` (the finals' words in order) against the script, and
 * when each word and sentence was first shown. A text shows a reference word when, aligned against the
 * words spoken inside its audio window, it holds that word (a misheard word is an error, not a delay).
 */
export function scoreStream(speech: ToneSpeech, shown: ShownText[], finalWords: string[]): StreamScore {
  const reference = speech.words.map((w) => w.word);
  const firstShown = new Array<number>(reference.length).fill(Infinity);
  for (const text of shown) {
    const inside = speech.words
      .map((word, index) => ({ word, index }))
      .filter(
        ({ word }) =>
          word.endMs > text.fromMs - WINDOW_SLACK_MS && word.startMs < text.toMs + WINDOW_SLACK_MS,
      );
    const { matches } = alignWords(
      inside.map(({ word }) => word.word),
      text.words,
    );
    for (const [r] of matches) {
      const index = inside[r].index;
      firstShown[index] = Math.min(firstShown[index], text.atMs);
    }
  }
  const finals = shown.filter((text) => text.final).sort((a, b) => a.atMs - b.atMs);
  const finalDelays: StreamScore['finalDelays'] = [];
  let sentencesMissing = 0;
  for (const sentence of speech.sentences) {
    const covering = finals.find(
      (text) => text.fromMs <= sentence.endMs && text.toMs >= sentence.endMs - WINDOW_SLACK_MS,
    );
    if (covering) finalDelays.push({ endMs: sentence.endMs, delayMs: covering.atMs - sentence.endMs });
    else sentencesMissing++;
  }
  return {
    referenceWords: reference.length,
    edits: alignWords(reference, finalWords).edits,
    shownDelays: firstShown
      .map((at, i) => at - speech.words[i].endMs)
      .filter((delay) => Number.isFinite(delay)),
    finalDelays,
    sentencesMissing,
  };
}
