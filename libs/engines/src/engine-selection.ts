import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DomainEvents } from '@app/common';
import { ConfigStore, type ServiceName } from '@app/config';
import { BACKEND_CLIENT, type BackendClient } from '@app/gateway';
import { SettingsService } from '@app/settings';
import { createAdapter } from './engine-catalogue';
import type { SpeakerEngine, SpeechToTextEngine, TranslationEngine } from './engine.types';
import { SourceDetectingTranslationEngine } from './translation/source-detecting-translation.engine';

/**
 * Holds the adapter currently selected for each service and swaps it when `services.<name>.kind` changes
 * at run time. Calls already running finish on the adapter they started with.
 */
@Injectable()
export class EngineSelection implements OnModuleDestroy {
  private readonly logger = new Logger('Engines');
  private speechToTextEngine: SpeechToTextEngine;
  private translationEngine: TranslationEngine;
  private speakerEngine: SpeakerEngine;
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(BACKEND_CLIENT) private readonly client: BackendClient,
    private readonly config: ConfigStore,
    private readonly settingsService: SettingsService,
    events: DomainEvents,
  ) {
    this.select(['whisper', 'translation', 'speaker']);
    this.unsubscribe = events.on('config.changed', ({ previous, current, changedSections }) => {
      if (!changedSections.includes('services')) return;
      const changed = (['whisper', 'translation', 'speaker'] as const).filter(
        (name) => previous.services[name].kind !== current.services[name].kind,
      );
      if (changed.length === 0) return;
      this.select(changed);
      events.activity(
        'info',
        'engines',
        `Engine adapters re-selected: ${changed.map((n) => `${n}=${current.services[n].kind}`).join(', ')}`,
      );
    });
  }

  get speechToText(): SpeechToTextEngine {
    return this.speechToTextEngine;
  }

  get translation(): TranslationEngine {
    return this.translationEngine;
  }

  get speaker(): SpeakerEngine {
    return this.speakerEngine;
  }

  private select(services: ServiceName[]): void {
    const settings = (name: ServiceName) => () => this.config.current.services[name];
    const kindOf = (name: ServiceName) => this.config.current.services[name].kind;
    for (const name of services) {
      switch (name) {
        case 'whisper':
          this.speechToTextEngine = createAdapter(name, kindOf(name), this.client, settings(name));
          break;
        case 'translation':
          this.translationEngine = this.detectingSource(
            createAdapter(name, kindOf(name), this.client, settings(name)),
          );
          break;
        case 'speaker':
          this.speakerEngine = createAdapter(name, kindOf(name), this.client, settings(name));
          break;
      }
      this.logger.log(`${name} engine: ${kindOf(name)}`);
    }
  }

  /** An engine that cannot find the source language itself gets the orchestrator's identification. */
  private detectingSource(engine: TranslationEngine): TranslationEngine {
    if (engine.detectsSourceLanguage) return engine;
    return new SourceDetectingTranslationEngine(
      engine,
      async () => (await this.settingsService.get()).default_source_language,
    );
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
