import type {
  LanguageInfo,
  SourceLanguageDetection,
  TranslationEngine,
  TranslationPool,
  TranslationRequest,
  TranslationResult,
} from '../engine.types';
import { identifyLanguage } from './language-identification';

/** An engine that answers for all its instances' languages at once (the pool's routing, which cannot detect). */
export type WholeLanguagesEngine = Pick<
  TranslationPool,
  'kind' | 'detectsSourceLanguage' | 'translate' | 'languages'
>;

/** How long the engine's language pairs are trusted before they are asked again. */
const PAIRS_TTL_MS = 60_000;

/** A source language to be found out: none given, `auto`, or the transcriber's "undetermined". */
export function sourceUnknown(code: string | undefined): boolean {
  return !code || code === 'auto' || code === 'und';
}

/**
 * For engines that cannot detect the source language themselves (Apertium): the orchestrator identifies it,
 * among the languages the engine can translate into the target, and reports what it found and how sure it
 * was (`detectedLanguage`). When identification finds nothing, the configured default source language
 * (`default_source_language` setting) applies, or the one language the engine can translate from; failing
 * both, the engine's own refusal stands.
 */
export class SourceDetectingTranslationEngine implements TranslationEngine {
  readonly detectsSourceLanguage = true;
  private pairs: { languages: Promise<LanguageInfo[]>; at: number } | undefined;

  constructor(
    private readonly engine: WholeLanguagesEngine,
    /** The configured default source language; `auto` when none is configured. */
    private readonly defaultSource: () => Promise<string>,
  ) {}

  get kind(): string {
    return this.engine.kind;
  }

  async translate(request: TranslationRequest): Promise<TranslationResult> {
    if (!sourceUnknown(request.sourceLanguage)) return this.engine.translate(request);
    const candidates = await this.sourcesInto(request.targetLanguage);
    const identified =
      candidates?.length === 0 ? undefined : await identifyLanguage(request.text, candidates);
    const source = identified?.language ?? (await this.fallback(candidates));
    const result = await this.engine.translate({ ...request, sourceLanguage: source });
    const detection: SourceLanguageDetection = identified
      ? { language: identified.language, confidence: identified.confidence, method: 'identified' }
      : { language: source, confidence: 0, method: 'default' };
    return sourceUnknown(source) ? result : { ...result, detectedLanguage: detection };
  }

  languages(): Promise<LanguageInfo[]> {
    return this.engine.languages();
  }

  private async fallback(candidates: string[] | undefined): Promise<string> {
    const configured = await this.defaultSource();
    if (!sourceUnknown(configured)) return configured;
    return candidates?.length === 1 ? candidates[0] : 'auto';
  }

  /** Languages the engine translates into `target`; undefined when it does not say (then any language). */
  private async sourcesInto(target: string): Promise<string[] | undefined> {
    if (!this.pairs || Date.now() - this.pairs.at > PAIRS_TTL_MS) {
      this.pairs = { languages: this.engine.languages(), at: Date.now() };
    }
    let languages: LanguageInfo[];
    try {
      languages = await this.pairs.languages;
    } catch {
      this.pairs = undefined;
      return undefined;
    }
    if (!languages.some((language) => language.targets)) return undefined;
    return languages.filter((language) => language.targets?.includes(target)).map((l) => l.code);
  }
}
