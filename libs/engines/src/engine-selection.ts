import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { DomainEvents } from '@app/common';
import { ConfigStore, configuredModel, type ServiceName } from '@app/config';
import { BACKEND_CLIENT, BACKEND_ROUTER, type BackendClient, type BackendRouter } from '@app/gateway';
import { SettingsService } from '@app/settings';
import { createAdapter, type ServiceEngines } from './engine-catalogue';
import type { Engines } from './engine.types';
import { CapabilityRegistry } from './pool/capability-registry';
import { EnginePool } from './pool/engine-pool';
import { PooledSpeakerEngine } from './pool/pooled-engines';
import { PooledSpeechToTextEngine } from './pool/pooled-speech-to-text.engine';
import { PooledTranslationEngine } from './pool/pooled-translation.engine';

/** English unless `services.translation.pivot_language` says otherwise. */
const DEFAULT_PIVOT_LANGUAGE = 'en';

/**
 * The engines of each service as one pool whose instances may be of different kinds (`kind=` per instance,
 * else `services.<name>.kind`): every call picks an instance and speaks to it through the adapter of that
 * instance's kind, so a kind changed at run time applies from the next call. Adapters are built once per
 * kind; `model` and `api_key` are read at each call.
 */
@Injectable()
export class EngineSelection implements Engines, OnModuleDestroy {
  readonly speechToText: PooledSpeechToTextEngine;
  readonly translation: PooledTranslationEngine;
  readonly speaker: PooledSpeakerEngine;
  readonly capabilities: CapabilityRegistry;
  private readonly adapters = new Map<string, unknown>();
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(BACKEND_CLIENT) private readonly client: BackendClient,
    @Inject(BACKEND_ROUTER) private readonly router: BackendRouter,
    private readonly config: ConfigStore,
    settingsService: SettingsService,
    private readonly events: DomainEvents,
  ) {
    const pools = {
      whisper: this.pool('whisper'),
      speaker: this.pool('speaker'),
      translation: this.pool('translation'),
    };
    this.capabilities = new CapabilityRegistry(
      {
        whisper: {
          languages: () => Promise.resolve([]),
          models: async (instanceId, kind) => (await pools.whisper.adapter(kind).models(instanceId)).models,
        },
        speaker: { languages: () => Promise.resolve([]), models: () => Promise.resolve([]) },
        translation: {
          languages: (instanceId, kind) => pools.translation.adapter(kind).languages(instanceId),
          models: () => Promise.resolve([]),
        },
      },
      // A process without the health monitor (the pipeline worker) asks again after three intervals.
      () => config.current.monitoring.healthCheckInterval * 3000,
    );
    this.speechToText = new PooledSpeechToTextEngine(pools.whisper, this.capabilities, (instanceId) =>
      configuredModel(config.current.services.whisper, instanceId),
    );
    this.speaker = new PooledSpeakerEngine(pools.speaker);
    this.translation = new PooledTranslationEngine(
      pools.translation,
      this.capabilities,
      () => config.current.services.translation.pivotLanguage ?? DEFAULT_PIVOT_LANGUAGE,
      async () => (await settingsService.get()).default_source_language,
    );
    // Language pairs and models are refreshed with the health checks, whenever a check finds an instance
    // serving: translations are routed by pair, transcriptions that name a model by model.
    this.unsubscribe = events.on('gateway.instance-checked', ({ service, instanceId, state }) => {
      if (service === 'speaker') return;
      const views = this.router.instances(service);
      this.capabilities.retain(service, views);
      const view = views.find((candidate) => candidate.id === instanceId);
      if (view && state !== 'down') void this.capabilities.refresh(view);
    });
  }

  private pool<S extends ServiceName>(service: S): EnginePool<ServiceEngines[S]> {
    return new EnginePool(
      service,
      this.router,
      this.config,
      (kind) => this.adapter(service, kind),
      (event) => this.events.emit('engines.slow-down', event),
    );
  }

  private adapter<S extends ServiceName>(service: S, kind: string): ServiceEngines[S] {
    const key = `${service}/${kind}`;
    let adapter = this.adapters.get(key) as ServiceEngines[S] | undefined;
    if (!adapter) {
      adapter = createAdapter(service, kind, this.client, () => this.config.current.services[service]);
      this.adapters.set(key, adapter);
    }
    return adapter;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
