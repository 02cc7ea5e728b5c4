import type { OrchestrationConfig } from './schema/orchestration-config';

export type ConfigChangeSource = 'api' | 'file';

export interface ConfigChangedEvent {
  previous: OrchestrationConfig;
  current: OrchestrationConfig;
  /** Top-level sections whose values differ, e.g. ['gateway', 'services']. */
  changedSections: string[];
  source: ConfigChangeSource;
}

export interface SettingsChangedEvent {
  settings: Record<string, unknown>;
}

declare module '@app/common' {
  interface DomainEventMap {
    'config.changed': ConfigChangedEvent;
    'settings.changed': SettingsChangedEvent;
  }
}
