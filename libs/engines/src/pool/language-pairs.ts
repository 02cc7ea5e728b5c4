import type { AvailablePair, LanguageInfo } from '../engine.types';

/** A direction one instance translates, in ISO 639-1 (base codes: `pt-BR` counts as `pt`). */
export type Pair = `${string}>${string}`;

export function baseLanguage(code: string): string {
  return code.trim().toLowerCase().split(/[-_]/)[0];
}

export function pairOf(source: string, target: string): Pair {
  return `${baseLanguage(source)}>${baseLanguage(target)}`;
}

/**
 * The pairs an instance serves, from its language list: each language into its `targets` when the engine
 * names them (LibreTranslate, Apertium), else every listed language into every other (the platform's
 * service lists languages only).
 */
export function pairsOf(languages: readonly LanguageInfo[]): Set<Pair> {
  const pairs = new Set<Pair>();
  const named = languages.some((language) => language.targets !== undefined);
  const codes = languages.map((language) => language.code);
  for (const language of languages) {
    const targets = named ? (language.targets ?? []) : codes;
    for (const target of targets) {
      if (baseLanguage(target) !== baseLanguage(language.code)) pairs.add(pairOf(language.code, target));
    }
  }
  return pairs;
}

/** How a translation can be made with the pairs served: directly, through the pivot language, or not. */
export type Route = { kind: 'direct' } | { kind: 'pivot'; via: string } | { kind: 'none' };

export function planRoute(served: ReadonlySet<Pair>, source: string, target: string, pivot: string): Route {
  if (served.has(pairOf(source, target))) return { kind: 'direct' };
  const via = baseLanguage(pivot);
  const [from, to] = [baseLanguage(source), baseLanguage(target)];
  if (from !== via && to !== via && served.has(pairOf(from, via)) && served.has(pairOf(via, to))) {
    return { kind: 'pivot', via };
  }
  return { kind: 'none' };
}

/** Every pair the pool serves, directly or through the pivot language, sorted. */
export function availablePairs(served: ReadonlySet<Pair>, pivot: string): AvailablePair[] {
  const direct = [...served].map((pair) => {
    const [source, target] = pair.split('>');
    return { source, target };
  });
  const via = baseLanguage(pivot);
  const pivoted: AvailablePair[] = [];
  for (const into of direct.filter((pair) => pair.target === via)) {
    for (const out of direct.filter((pair) => pair.source === via && pair.target !== into.source)) {
      if (!served.has(pairOf(into.source, out.target))) {
        pivoted.push({ source: into.source, target: out.target, via });
      }
    }
  }
  return [...direct, ...pivoted].sort(
    (a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target),
  );
}
