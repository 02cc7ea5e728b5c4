import { Inject, Injectable } from '@nestjs/common';
import { camelToSnake, mapKeysDeep } from '@app/config';
import { ENGINES, type Engines } from '@app/engines';
import { HEALTH_MONITOR, type HealthMonitor } from '@app/health';
import type { ServiceRequestDto } from './dto/service-message.dto';
import { RealtimeError } from './realtime-error';

/** Answers `service_request` messages from the engines (which call backends through the gateway client). */
@Injectable()
export class ServiceRequests {
  constructor(
    @Inject(ENGINES) private readonly engines: Engines,
    @Inject(HEALTH_MONITOR) private readonly health: HealthMonitor,
  ) {}

  async answer(request: ServiceRequestDto): Promise<unknown> {
    const { target_service: target, action } = request;
    if (action === 'health') {
      const service = this.health.services().find((s) => s.service === target);
      return mapKeysDeep(service ?? { service: target, status: 'unknown', instances: [] }, camelToSnake);
    }
    if (action === 'get_models' && target === 'whisper') {
      const { models, defaultModel } = await this.engines.speechToText.models();
      return { models, default_model: defaultModel ?? null };
    }
    if (action === 'get_languages' && target === 'translation') {
      return { languages: mapKeysDeep(await this.engines.translation.languages(), camelToSnake) };
    }
    throw new RealtimeError('UNSUPPORTED_ACTION', `${target} does not answer ${action}`, {
      supported: ['whisper: get_models, health', 'translation: get_languages, health', 'speaker: health'],
    });
  }
}
