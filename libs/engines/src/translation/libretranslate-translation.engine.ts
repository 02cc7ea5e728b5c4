import { ENGINE_KINDS, type BackendServiceConfig } from '@app/config';
import { engineCredential, type BackendClient } from '@app/gateway';
import { UNSCORED_CONFIDENCE, clamp01 } from '../confidence';
import { askInstance, callEngine } from '../engine-call';
import { malformedAnswer } from '../engine-error';
import type { LanguageInfo, TranslationEngine, TranslationRequest, TranslationResult } from '../engine.types';

interface LibreTranslateAnswer {
  translatedText?: unknown;
  detectedLanguage?: { language?: unknown; confidence?: unknown };
}

/**
 * LibreTranslate: `POST /translate` `{ q, source, target, format: 'text', api_key? }`. It scores no
 * translation; the only number it gives is the language-detection confidence (0–100) when the source is
 * `auto`, which becomes the confidence; otherwise UNSCORED_CONFIDENCE. A 429 ("Slowdown") is back-pressure:
 * it surfaces as a retryable EngineError, so the pipeline backs off, and the gateway does not count a 4xx
 * as a breaker failure. 400 and 403 are final.
 */
export class LibreTranslateTranslationEngine implements TranslationEngine {
  readonly kind = 'libretranslate';
  readonly detectsSourceLanguage = true;

  constructor(
    private readonly client: BackendClient,
    private readonly settings: () => BackendServiceConfig,
  ) {}

  async translate(request: TranslationRequest): Promise<TranslationResult> {
    const credential = engineCredential('translation', this.kind, this.settings().apiKey).field;
    const source = request.sourceLanguage || 'auto';
    const { body, response, elapsedMs } = await callEngine<LibreTranslateAnswer>(
      this.client,
      'translation',
      this.kind,
      {
        method: 'POST',
        path: '/translate',
        json: {
          q: request.text,
          source,
          target: request.targetLanguage,
          format: 'text',
          ...(credential ? { [credential.name]: credential.value } : {}),
        },
        idempotent: true,
        signal: request.signal,
        requestId: request.requestId,
        instanceId: request.instanceId,
      },
    );
    if (typeof body.translatedText !== 'string') throw malformedAnswer(this.kind, response, 'translatedText');
    const detected = body.detectedLanguage;
    const detectedCode = typeof detected?.language === 'string' ? detected.language : undefined;
    const detectedConfidence =
      typeof detected?.confidence === 'number' ? detected.confidence / 100 : undefined;
    return {
      text: request.text,
      translatedText: body.translatedText,
      sourceLanguage: source === 'auto' ? (detectedCode ?? 'auto') : source,
      targetLanguage: request.targetLanguage,
      confidence: detectedConfidence !== undefined ? clamp01(detectedConfidence) : UNSCORED_CONFIDENCE,
      backend: `${this.kind}@${response.instanceId}`,
      processingMs: elapsedMs,
      ...(source === 'auto' && detectedCode
        ? {
            detectedLanguage: {
              language: detectedCode,
              confidence: clamp01(detectedConfidence ?? 0),
              method: 'engine' as const,
            },
          }
        : {}),
    };
  }

  async languages(instanceId: string): Promise<LanguageInfo[]> {
    const { body } = await askInstance<unknown>(
      this.client,
      'translation',
      this.kind,
      instanceId,
      ENGINE_KINDS.translation.libretranslate.discovery.languages,
    );
    if (!Array.isArray(body)) return [];
    return body
      .filter(
        (l): l is { code: string; name?: unknown; targets?: unknown } =>
          typeof (l as { code?: unknown } | null)?.code === 'string',
      )
      .map((l) => ({
        code: l.code,
        name: typeof l.name === 'string' ? l.name : l.code,
        ...(Array.isArray(l.targets) ? { targets: l.targets.map(String) } : {}),
      }));
  }
}
