/**
 * Stable text of an open utterance by local agreement (the policy of whisper_streaming's LocalAgreement-2):
 * a word is stable once two consecutive decodes of the growing audio agree on it and on every word before
 * it. What was once stable stays so: a later decode that disagrees changes only the unstable tail.
 */
export class LocalAgreement {
  private previous: string[] = [];
  private stable: string[] = [];

  /** Takes the newest decode; returns the text to show and its stable prefix. */
  update(text: string): { text: string; stableText: string } {
    const words = splitWords(text);
    let agreed = 0;
    while (
      agreed < words.length &&
      agreed < this.previous.length &&
      sameWord(words[agreed], this.previous[agreed])
    ) {
      agreed++;
    }
    if (agreed > this.stable.length && this.extendsStable(words)) this.stable = words.slice(0, agreed);
    this.previous = words;
    // A decode that contradicts the stable words keeps them and contributes only what lies beyond them.
    const tail = words.slice(this.stable.length);
    return { text: [...this.stable, ...tail].join(' '), stableText: this.stable.join(' ') };
  }

  private extendsStable(words: string[]): boolean {
    return this.stable.every((word, i) => i < words.length && sameWord(word, words[i]));
  }
}

function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== '');
}

/** Decodes of the same audio differ in case and trailing punctuation more often than in words. */
function sameWord(a: string, b: string): boolean {
  const norm = (w: string) => w.toLowerCase().replace(/[.,!?;:"'()]+$/u, '');
  return norm(a) === norm(b);
}
