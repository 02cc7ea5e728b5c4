import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { camelToSnake, mapKeysDeep } from '@app/config';
import {
  SPEECH_TO_TEXT_ENGINE,
  TRANSLATION_ENGINE,
  type SpeechToTextEngine,
  type TranslationEngine,
} from '@app/engines';
import { HEALTH_MONITOR, type HealthMonitor } from '@app/health';
import type { ServiceRequestDto } from './dto/service-message.dto';
import { LazyProvider } from './lazy-provider';
import { RealtimeError } from './realtime-error';

/** Answers `service_request` messages from the engines (which call backends through the gateway client). */
@Injectable()
export class ServiceRequests {
  private readonly speechToText: LazyProvider<SpeechToTextEngine>;
  private readonly translation: LazyProvider<TranslationEngine>;
  private readonly health: LazyProvider<HealthMonitor>;

  constructor(moduleRef: ModuleRef) {
    this.speechToText = new LazyProvider(moduleRef, SPEECH_TO_TEXT_ENGINE, 'The speech-to-text engine');
    this.translation = new LazyProvider(moduleRef, TRANSLATION_ENGINE, 'The translation engine');
    this.health = new LazyProvider(moduleRef, HEALTH_MONITOR, 'The health monitor');
  }

  async answer(request: ServiceRequestDto): Promise<unknown> {
    const { target_service: target, action } = request;
    if (action === 'health') {
      const service = this.health
        .get()
        .services()
        .find((s) => s.service === target);
      return mapKeysDeep(service ?? { service: target, status: 'unknown', instances: [] }, camelToSnake);
    }
    if (action === 'get_models' && target === 'whisper') {
      const { models, defaultModel } = await this.speechToText.get().models();
      return { models, default_model: defaultModel ?? null };
    }
    if (action === 'get_languages' && target === 'translation') {
      return { languages: mapKeysDeep(await this.translation.get().languages(), camelToSnake) };
    }
    throw new RealtimeError('UNSUPPORTED_ACTION', `${target} does not answer ${action}`, {
      supported: ['whisper: get_models, health', 'translation: get_languages, health', 'speaker: health'],
    });
  }
}
