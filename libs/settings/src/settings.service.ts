import { Inject, Injectable } from '@nestjs/common';
import { DomainEvents } from '@app/common';
import { KEY_VALUE_STORE, type KeyValueStore } from '@app/storage';
import { DEFAULT_SETTINGS, type Settings, type SettingsDto } from './settings.dto';

const SETTINGS_KEY = 'settings';

/** Application settings, kept in the key-value store so that with Redis they survive a restart. */
@Injectable()
export class SettingsService {
  constructor(
    @Inject(KEY_VALUE_STORE) private readonly store: KeyValueStore,
    private readonly events: DomainEvents,
  ) {}

  async get(): Promise<Settings> {
    const stored = await this.store.get<Partial<Settings>>(SETTINGS_KEY);
    return { ...DEFAULT_SETTINGS, ...stored };
  }

  async update(patch: SettingsDto): Promise<Settings> {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const settings = { ...(await this.get()), ...defined };
    await this.store.set(SETTINGS_KEY, settings);
    this.events.emit('settings.changed', { settings });
    this.events.activity(
      'info',
      'config',
      `Settings changed: ${Object.keys(defined).join(', ') || 'nothing'}`,
    );
    return settings;
  }
}
