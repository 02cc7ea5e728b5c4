import { ENGINE_KINDS, type BackendServiceConfig } from '@app/config';
import type { BackendClient } from '@app/gateway';
import { UNSCORED_CONFIDENCE, clamp01 } from '../confidence';
import { askInstance, callEngine, type EngineAnswer } from '../engine-call';
import { EngineError, malformedAnswer } from '../engine-error';
import type { LanguageInfo, TranslationEngine, TranslationRequest, TranslationResult } from '../engine.types';
import { sourceUnknown } from './source-detecting-translation.engine';

interface TranslateAnswer {
  translated_text?: unknown;
  source_language?: unknown;
  target_language?: unknown;
  confidence_score?: unknown;
}

/**
 * The platform's translation service (CONTRACTS §5). Newer builds serve `POST /api/translate`, older ones
 * only `POST /translate`: the newer path is tried first and a 404 falls back to the older one. Which one
 * answered is remembered per adapter, so the fallback costs one extra call per selection, not per request.
 * `confidence_score` is the service's own.
 */
export class LivetranslateTranslationEngine implements TranslationEngine {
  readonly kind = 'livetranslate';
  readonly detectsSourceLanguage = true;
  private translatePath: '/api/translate' | '/translate' = '/api/translate';

  constructor(
    private readonly client: BackendClient,
    _settings: () => BackendServiceConfig,
  ) {}

  async translate(request: TranslationRequest): Promise<TranslationResult> {
    const answer = await this.post(request);
    const body = answer.body;
    if (typeof body.translated_text !== 'string') {
      throw malformedAnswer(this.kind, answer.response, 'translated_text');
    }
    const score = typeof body.confidence_score === 'number' ? body.confidence_score : 0;
    const detected =
      typeof body.source_language === 'string' && !sourceUnknown(body.source_language)
        ? body.source_language
        : undefined;
    return {
      text: request.text,
      translatedText: body.translated_text,
      sourceLanguage: detected ?? request.sourceLanguage,
      targetLanguage: request.targetLanguage,
      confidence: clamp01(score),
      backend: `${this.kind}@${answer.response.instanceId}`,
      processingMs: answer.elapsedMs,
      // The service names the language it detected but gives no score for the detection.
      ...(detected && sourceUnknown(request.sourceLanguage)
        ? {
            detectedLanguage: {
              language: detected,
              confidence: UNSCORED_CONFIDENCE,
              method: 'engine' as const,
            },
          }
        : {}),
    };
  }

  private async post(request: TranslationRequest): Promise<EngineAnswer<TranslateAnswer>> {
    const call = (path: string) =>
      callEngine<TranslateAnswer>(this.client, 'translation', this.kind, {
        method: 'POST',
        path,
        json: {
          text: request.text,
          source_language: request.sourceLanguage || 'auto',
          target_language: request.targetLanguage,
          ...(request.sessionId ? { session_id: request.sessionId } : {}),
        },
        idempotent: true,
        signal: request.signal,
        requestId: request.requestId,
        instanceId: request.instanceId,
      });
    if (this.translatePath === '/translate') return call('/translate');
    try {
      return await call('/api/translate');
    } catch (error) {
      if (!(error instanceof EngineError) || error.details.backend_status !== 404) throw error;
      this.translatePath = '/translate';
      return call('/translate');
    }
  }

  async languages(instanceId: string): Promise<LanguageInfo[]> {
    const { body } = await askInstance<{ languages?: unknown }>(
      this.client,
      'translation',
      this.kind,
      instanceId,
      ENGINE_KINDS.translation.livetranslate.discovery.languages,
    );
    if (!Array.isArray(body.languages)) return [];
    return body.languages
      .filter(
        (l): l is { code: string; name?: unknown } => typeof (l as { code?: unknown })?.code === 'string',
      )
      .map((l) => ({ code: l.code, name: typeof l.name === 'string' ? l.name : l.code }));
  }
}
