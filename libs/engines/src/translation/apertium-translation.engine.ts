import { HttpStatus } from '@nestjs/common';
import { ENGINE_KINDS, type BackendServiceConfig } from '@app/config';
import type { BackendClient } from '@app/gateway';
import { askInstance, callEngine } from '../engine-call';
import { EngineError, malformedAnswer } from '../engine-error';
import type { LanguageInfo, TranslationEngine, TranslationRequest, TranslationResult } from '../engine.types';
import { fromIso3, languageName, toIso3 } from '../language-codes';

interface ApyTranslateAnswer {
  responseData?: { translatedText?: unknown };
}

interface ApyPairsAnswer {
  responseData?: { sourceLanguage?: unknown; targetLanguage?: unknown }[];
}

/** APY marks a word it has no entry for with a leading `*` when asked with markUnknown=yes. */
const UNKNOWN_WORD = /(^|\s)\*(?=\S)/g;

/**
 * Confidence from Apertium's unknown-word marks: 1 minus the share of output words marked unknown.
 * Apertium is rule-based and scores nothing else; a sentence it fully knows gets 1.
 */
export function unknownWordConfidence(marked: string): number {
  const words = marked.split(/\s+/).filter(Boolean);
  if (words.length === 0) return 1;
  const unknown = words.filter((w) => w.startsWith('*') && w.length > 1).length;
  return 1 - unknown / words.length;
}

/**
 * Apertium APY: `POST /translate` with form fields `langpair=eng|spa`, `q`, `markUnknown=yes`. Pairs are
 * named by ISO 639-3 codes, mapped from the ISO 639-1 codes used everywhere else. The text is sent as a
 * form body rather than in the query so long transcripts do not hit URL length limits. APY cannot detect
 * the source language: the selection wraps this adapter in SourceDetectingTranslationEngine, and a request
 * that still has none is refused.
 */
export class ApertiumTranslationEngine implements TranslationEngine {
  readonly kind = 'apertium';
  /** See SourceDetectingTranslationEngine, which finds the source language for it. */
  readonly detectsSourceLanguage = false;

  constructor(
    private readonly client: BackendClient,
    _settings: () => BackendServiceConfig,
  ) {}

  async translate(request: TranslationRequest): Promise<TranslationResult> {
    const source = this.iso3(request.sourceLanguage, 'source');
    const target = this.iso3(request.targetLanguage, 'target');
    const form = new URLSearchParams({
      langpair: `${source}|${target}`,
      q: request.text,
      markUnknown: 'yes',
    });
    const { body, response, elapsedMs } = await callEngine<ApyTranslateAnswer>(
      this.client,
      'translation',
      this.kind,
      {
        method: 'POST',
        path: '/translate',
        body: form.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        idempotent: true,
        signal: request.signal,
        requestId: request.requestId,
        instanceId: request.instanceId,
      },
    );
    const marked = body.responseData?.translatedText;
    if (typeof marked !== 'string') throw malformedAnswer(this.kind, response, 'responseData.translatedText');
    return {
      text: request.text,
      translatedText: marked.replace(UNKNOWN_WORD, '$1'),
      sourceLanguage: request.sourceLanguage,
      targetLanguage: request.targetLanguage,
      confidence: unknownWordConfidence(marked),
      backend: `${this.kind}@${response.instanceId}`,
      processingMs: elapsedMs,
    };
  }

  async languages(instanceId: string): Promise<LanguageInfo[]> {
    const { body } = await askInstance<ApyPairsAnswer>(
      this.client,
      'translation',
      this.kind,
      instanceId,
      ENGINE_KINDS.translation.apertium.discovery.languages,
    );
    const targets = new Map<string, Set<string>>();
    for (const pair of body.responseData ?? []) {
      const source = typeof pair.sourceLanguage === 'string' ? fromIso3(pair.sourceLanguage) : undefined;
      const target = typeof pair.targetLanguage === 'string' ? fromIso3(pair.targetLanguage) : undefined;
      if (!source || !target || source === target) continue;
      targets.set(source, (targets.get(source) ?? new Set()).add(target));
    }
    return [...targets].map(([code, set]) => ({ code, name: languageName(code), targets: [...set].sort() }));
  }

  private iso3(code: string, role: 'source' | 'target'): string {
    const mapped = code && code !== 'auto' && code !== 'und' ? toIso3(code) : undefined;
    if (mapped) return mapped;
    throw new EngineError(
      HttpStatus.BAD_REQUEST,
      'UNSUPPORTED_LANGUAGE',
      code && code !== 'auto' && code !== 'und'
        ? `apertium has no ISO 639-3 code for the ${role} language "${code}"`
        : `apertium needs an explicit ${role} language; it cannot detect one`,
      false,
    );
  }
}
