import { Injectable } from '@nestjs/common';
import { DomainEvents, ValidationFailedError } from '@app/common';
import { camelToSnake, deepMerge, isPlainObject, mapKeysDeep, snakeToCamel } from './case';
import { ConfigValidationError } from './config-error';
import type { ConfigChangeSource } from './config-events';
import { normaliseServices, validateConfig } from './config-loader';
import { publicConfig } from './redaction';
import type { OrchestrationConfig } from './schema/orchestration-config';

/**
 * Sections that may change while the service runs. The rest (bind address, Redis, secrets) is read once at
 * boot; changing it needs a restart, and an update that tries is refused rather than half-applied.
 */
export const TUNABLE_SECTIONS = [
  'websocket',
  'gateway',
  'monitoring',
  'services',
  'logging',
  'pipeline',
  'sessions',
] as const;

/** Injection token for the configuration that was validated at boot. */
export const BOOT_CONFIG = Symbol('BOOT_CONFIG');

/**
 * Holds the current configuration. Readers take `current` at the moment they need a value, so a change is
 * seen on the next use; modules that keep derived state subscribe to `config.changed`.
 */
@Injectable()
export class ConfigStore {
  private config: OrchestrationConfig;

  constructor(
    initial: OrchestrationConfig,
    private readonly events: DomainEvents,
  ) {
    this.config = initial;
  }

  get current(): OrchestrationConfig {
    return this.config;
  }

  publicView(): Record<string, unknown> {
    return publicConfig(this.config);
  }

  /**
   * Applies a snake_case patch of tunable sections atomically: the whole result is validated before it
   * replaces the current config, so an invalid patch changes nothing. Returns the changed section names.
   */
  update(patch: unknown, source: ConfigChangeSource): string[] {
    if (!isPlainObject(patch)) {
      throw new ValidationFailedError([{ field: '(body)', message: 'must be a JSON object' }]);
    }
    const camelPatch = normaliseServices(mapKeysDeep(patch, snakeToCamel) as Record<string, unknown>);
    const refused = Object.keys(camelPatch).filter(
      (key) => !(TUNABLE_SECTIONS as readonly string[]).includes(key),
    );
    if (refused.length > 0) {
      throw new ValidationFailedError(
        refused.map((key) => ({
          field: key,
          message: `is not tunable at run time (tunable: ${TUNABLE_SECTIONS.join(', ')})`,
        })),
      );
    }
    return this.replace(deepMerge(JSON.parse(JSON.stringify(this.config)), camelPatch), source);
  }

  /** Applies the tunable sections of a freshly loaded configuration (the YAML file changed on disk). */
  reloadTunables(loaded: OrchestrationConfig): string[] {
    const tunables = Object.fromEntries(TUNABLE_SECTIONS.map((s) => [s, loaded[s]]));
    return this.replace(
      { ...JSON.parse(JSON.stringify(this.config)), ...JSON.parse(JSON.stringify(tunables)) },
      'file',
    );
  }

  private replace(plain: unknown, source: ConfigChangeSource): string[] {
    let next: OrchestrationConfig;
    try {
      next = validateConfig(plain);
    } catch (error) {
      if (error instanceof ConfigValidationError) {
        throw new ValidationFailedError(error.fields.map((f) => ({ ...f, field: camelToSnake(f.field) })));
      }
      throw error;
    }
    const previous = this.config;
    const changedSections = (Object.keys(next) as (keyof OrchestrationConfig)[]).filter(
      (section) => JSON.stringify(next[section]) !== JSON.stringify(previous[section]),
    );
    if (changedSections.length === 0) return [];
    this.config = next;
    this.events.emit('config.changed', { previous, current: next, changedSections, source });
    this.events.activity(
      'info',
      'config',
      `Configuration changed (${changedSections.join(', ')}) from ${source}`,
    );
    return changedSections;
  }
}
