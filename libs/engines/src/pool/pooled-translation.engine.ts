import { HttpStatus } from '@nestjs/common';
import type { BackendInstanceView } from '@app/gateway';
import { EngineError } from '../engine-error';
import type {
  LanguageInfo,
  PoolLanguages,
  TranslationEngine,
  TranslationPool,
  TranslationRequest,
  TranslationResult,
} from '../engine.types';
import { languageName } from '../language-codes';
import {
  SourceDetectingTranslationEngine,
  sourceUnknown,
} from '../translation/source-detecting-translation.engine';
import { DISCOVERY_WAIT_MS, type CapabilityRegistry } from './capability-registry';
import type { EnginePool } from './engine-pool';
import { availablePairs, baseLanguage, pairOf, planRoute, type Pair } from './language-pairs';

/** Translations are work to time for routing by speed; their size is not modelled (latency alone). */
const TRANSLATION_WORK = {};

/**
 * Translation over a pool of instances of any kinds. A request goes only to instances that serve its pair
 * (as they said at discovery); with none, through the pivot language (`services.translation.pivot_language`,
 * English by default) when one instance serves source→pivot and one pivot→target, and the result says so
 * (`via`). An instance that never said what it serves is tried only when no instance is known to serve the
 * pair. A pair that nobody serves, directly or by pivot, is refused (422) with the pairs that are served.
 * With no source language, an instance whose kind detects it is asked; else the orchestrator identifies it
 * (SourceDetectingTranslationEngine) among the languages the pool translates into the target.
 */
export class PooledTranslationEngine implements TranslationPool {
  readonly kind = 'pool';
  readonly detectsSourceLanguage = true;
  private readonly identifying: SourceDetectingTranslationEngine;

  constructor(
    private readonly pool: EnginePool<TranslationEngine>,
    private readonly capabilities: CapabilityRegistry,
    private readonly pivotLanguage: () => string,
    defaultSource: () => Promise<string>,
  ) {
    this.identifying = new SourceDetectingTranslationEngine(
      {
        kind: 'pool',
        detectsSourceLanguage: false,
        translate: (request) => this.routed(request),
        languages: () => this.languages(),
      },
      defaultSource,
    );
  }

  async translate(request: TranslationRequest): Promise<TranslationResult> {
    await this.discover();
    if (!sourceUnknown(request.sourceLanguage)) return this.routed(request);
    const detecting = (instance: BackendInstanceView) =>
      this.pool.adapter(instance.kind).detectsSourceLanguage &&
      this.servesInto(instance, request.targetLanguage);
    if (this.pool.instances().some(detecting)) {
      return this.pool.run(
        detecting,
        (adapter, instance) =>
          adapter.translate({ ...request, sourceLanguage: 'auto', instanceId: instance.id }),
        request.signal,
        TRANSLATION_WORK,
      );
    }
    return this.identifying.translate(request);
  }

  /** Every language the pool translates, with its targets, direct or through the pivot. */
  async languages(): Promise<LanguageInfo[]> {
    return (await this.catalogue()).languages;
  }

  async catalogue(): Promise<PoolLanguages> {
    await this.discover();
    const pivotLanguage = baseLanguage(this.pivotLanguage());
    const pairs = availablePairs(this.served(), pivotLanguage);
    const targets = new Map<string, string[]>();
    for (const pair of pairs) targets.set(pair.source, [...(targets.get(pair.source) ?? []), pair.target]);
    const codes = [...new Set(pairs.flatMap((pair) => [pair.source, pair.target]))].sort();
    const languages = codes.map((code) => ({
      code,
      name: languageName(code),
      targets: targets.get(code) ?? [],
    }));
    return { pivotLanguage, languages, pairs };
  }

  /** A translation with a known source language, to an instance serving its pair or by pivot. */
  private async routed(request: TranslationRequest): Promise<TranslationResult> {
    const { sourceLanguage: source, targetLanguage: target } = request;
    const pair = pairOf(source, target);
    const direct = (instance: BackendInstanceView) =>
      this.capabilities.of(instance)?.pairs?.has(pair) === true;
    if (this.pool.instances().some(direct)) return this.leg(request, direct);
    const unknown = (instance: BackendInstanceView) => this.capabilities.of(instance)?.pairs === undefined;
    if (this.pool.instances().some(unknown)) return this.leg(request, unknown);
    const route = planRoute(this.served(), source, target, this.pivotLanguage());
    if (route.kind === 'none') throw this.unserved(source, target);
    if (route.kind === 'direct') return this.leg(request, direct);
    const first = await this.routed({ ...request, targetLanguage: route.via });
    const second = await this.routed({ ...request, text: first.translatedText, sourceLanguage: route.via });
    return {
      text: request.text,
      translatedText: second.translatedText,
      sourceLanguage: first.sourceLanguage,
      targetLanguage: target,
      confidence: first.confidence * second.confidence,
      backend: `${first.backend}+${second.backend}`,
      processingMs: first.processingMs + second.processingMs,
      via: route.via,
    };
  }

  private leg(
    request: TranslationRequest,
    eligible: (instance: BackendInstanceView) => boolean,
  ): Promise<TranslationResult> {
    return this.pool.run(
      eligible,
      (adapter, instance) => adapter.translate({ ...request, instanceId: instance.id }),
      request.signal,
      TRANSLATION_WORK,
    );
  }

  private servesInto(instance: BackendInstanceView, target: string): boolean {
    const pairs = this.capabilities.of(instance)?.pairs;
    return pairs === undefined || [...pairs].some((pair) => pair.endsWith(`>${baseLanguage(target)}`));
  }

  /** The pairs served by the pool's instances, down ones included (their pairs come back with them). */
  private served(): Set<Pair> {
    return new Set(
      this.pool.instances().flatMap((instance) => [...(this.capabilities.of(instance)?.pairs ?? [])]),
    );
  }

  private unserved(source: string, target: string): EngineError {
    const pivot = baseLanguage(this.pivotLanguage());
    const available = availablePairs(this.served(), pivot);
    return new EngineError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'UNSUPPORTED_LANGUAGE_PAIR',
      `No translation engine serves ${baseLanguage(source)}→${baseLanguage(target)}, directly or through ${pivot}; ` +
        `available: ${available.map((p) => `${p.source}→${p.target}${p.via ? ` (via ${p.via})` : ''}`).join(', ') || 'none'}`,
      false,
      { source_lang: source, target_lang: target, pivot_language: pivot, available_pairs: available },
    );
  }

  private discover(): Promise<void> {
    return this.capabilities.ensure(this.pool.instances(), DISCOVERY_WAIT_MS);
  }
}
