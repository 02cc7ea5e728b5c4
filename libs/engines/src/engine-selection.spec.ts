import { DomainEvents } from '@app/common';
import type { ConfigStore, OrchestrationConfig } from '@app/config';
import { DEFAULT_SETTINGS, type SettingsService } from '@app/settings';
import { FetchBackendClient } from '../../../test/support/fetch-backend-client';
import { EngineSelection } from './engine-selection';

function configWith(kinds: { whisper: string; translation: string }): OrchestrationConfig {
  const instances = [{ url: 'http://127.0.0.1:1', weight: 1 }];
  return {
    services: {
      whisper: { kind: kinds.whisper, instances },
      translation: { kind: kinds.translation, instances },
      speaker: { kind: 'livetranslate', instances },
    },
  } as unknown as OrchestrationConfig;
}

describe('EngineSelection', () => {
  it('selects adapters by services.<name>.kind and re-selects when the kind changes at run time', () => {
    const events = new DomainEvents();
    const store = { current: configWith({ whisper: 'livetranslate', translation: 'livetranslate' }) };
    const settings = { get: () => Promise.resolve(DEFAULT_SETTINGS) } as SettingsService;
    const selection = new EngineSelection(new FetchBackendClient({}), store as ConfigStore, settings, events);
    expect(selection.speechToText.kind).toBe('livetranslate');
    expect(selection.translation.kind).toBe('livetranslate');

    const previous = store.current;
    store.current = configWith({ whisper: 'whisper-cpp', translation: 'apertium' });
    events.emit('config.changed', {
      previous,
      current: store.current,
      changedSections: ['services'],
      source: 'api',
    });
    expect(selection.speechToText.kind).toBe('whisper-cpp');
    expect(selection.translation.kind).toBe('apertium');
    // Apertium cannot detect a source language: the orchestrator identifies it.
    expect(selection.translation.detectsSourceLanguage).toBe(true);
    expect(selection.speaker.kind).toBe('livetranslate');
    selection.onModuleDestroy();
  });
});
