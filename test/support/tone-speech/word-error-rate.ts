/** A minimal word-level edit script: how many edits, and which reference word each kept word matches. */
export interface WordAlignment {
  /** Substitutions + deletions + insertions. */
  edits: number;
  /** [reference index, hypothesis index] of every word the hypothesis got right, in order. */
  matches: [number, number][];
}

/**
 * Levenshtein alignment over words. Among the edit scripts of least cost it keeps one with the most matched
 * words (a tie-break a plain backtrack gets wrong: `a b` against `x a` would pair nothing), read back from
 * the table.
 */
export function alignWords(reference: readonly string[], hypothesis: readonly string[]): WordAlignment {
  const columns = hypothesis.length + 1;
  // Per cell: the fewest edits, and the most matched words among scripts with that many.
  const size = (reference.length + 1) * columns;
  const edits = new Uint32Array(size);
  const kept = new Uint32Array(size);
  const better = (e: number, k: number, cell: number) =>
    e < edits[cell] || (e === edits[cell] && k > kept[cell]);
  for (let j = 0; j < columns; j++) edits[j] = j;
  for (let i = 1; i <= reference.length; i++) {
    edits[i * columns] = i;
    for (let j = 1; j < columns; j++) {
      const cell = i * columns + j;
      const diagonal = cell - columns - 1;
      const same = reference[i - 1] === hypothesis[j - 1];
      edits[cell] = edits[diagonal] + (same ? 0 : 1);
      kept[cell] = kept[diagonal] + (same ? 1 : 0);
      for (const from of [cell - columns, cell - 1])
        if (better(edits[from] + 1, kept[from], cell)) {
          edits[cell] = edits[from] + 1;
          kept[cell] = kept[from];
        }
    }
  }
  const matches: [number, number][] = [];
  for (let i = reference.length, j = hypothesis.length; i > 0 && j > 0;) {
    const cell = i * columns + j;
    const diagonal = cell - columns - 1;
    const same = reference[i - 1] === hypothesis[j - 1];
    if (edits[cell] === edits[diagonal] + (same ? 0 : 1) && kept[cell] === kept[diagonal] + (same ? 1 : 0)) {
      if (same) matches.push([i - 1, j - 1]);
      i--;
      j--;
    } else if (edits[cell] === edits[cell - columns] + 1 && kept[cell] === kept[cell - columns]) i--;
    else j--;
  }
  return { edits: edits[size - 1], matches: matches.reverse() };
}

/** Word error rate: word-level Levenshtein distance (substitutions, deletions, insertions) / reference length. */
export function wordErrorRate(reference: readonly string[], hypothesis: readonly string[]): number {
  if (reference.length === 0) return hypothesis.length === 0 ? 0 : 1;
  return alignWords(reference, hypothesis).edits / reference.length;
}

/** A transcript as comparable words: lower case, punctuation dropped. */
export function transcriptWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}']+/u)
    .filter((word) => word.length > 0);
}
