import { HttpStatus } from '@nestjs/common';
import { engineKindFacts } from '@app/config';
import type { BackendInstanceView } from '@app/gateway';
import { EngineError } from '../engine-error';
import type {
  AudioInput,
  PoolModel,
  SpeechToTextEngine,
  SpeechToTextPool,
  TranscriptionOptions,
  TranscriptionResult,
} from '../engine.types';
import { DISCOVERY_WAIT_MS, type CapabilityRegistry } from './capability-registry';
import type { EnginePool } from './engine-pool';

/**
 * The model name that means "the pool's default": OpenAI's SDKs and their users send `whisper-1`, the only
 * name OpenAI's own API had for years. Such a call (or one naming no model) may go to any instance, and
 * each instance is asked for its own configured model, else its kind's default (stt/model-choice.ts).
 */
export const DEFAULT_MODEL_ALIAS = 'whisper-1';

const anyInstance = (): boolean => true;

export function isDefaultModel(model: string | undefined): boolean {
  return model === undefined || model === '' || model === DEFAULT_MODEL_ALIAS;
}

/**
 * Speech-to-text over a pool of instances of any kinds, failing over between them (EnginePool). A call that
 * names a model (other than the default alias) goes only to the instances that serve it: those whose
 * discovered models (`/v1/models`, `/models`, refreshed with the health checks) or configured `model` name
 * it. While no instance is known to serve it, instances that never said what they serve are tried; when
 * every instance has said and none serves it, the call is refused (404) with the models that are served.
 */
export class PooledSpeechToTextEngine implements SpeechToTextPool {
  readonly kind = 'pool';

  constructor(
    private readonly pool: EnginePool<SpeechToTextEngine>,
    private readonly capabilities: CapabilityRegistry,
    /** The `model` configured for an instance (its own, else the service's). */
    private readonly configuredModel: (instanceId: string) => string | undefined,
  ) {}

  async transcribe(audio: AudioInput, options: TranscriptionOptions): Promise<TranscriptionResult> {
    // The default model (every call of most clients) needs no look-up and no extra turn before the call.
    const anyModel = isDefaultModel(options.model);
    const eligible = anyModel ? anyInstance : await this.eligibleFor(options.model);
    const model = anyModel ? undefined : options.model;
    return this.pool.run(
      eligible,
      (adapter, instance) => adapter.transcribe(audio, { ...options, model, instanceId: instance.id }),
      options.signal,
      { audioMs: audio.durationMs },
    );
  }

  models(instanceId?: string): Promise<{ models: string[]; defaultModel?: string }> {
    return this.pool.run(
      (instance) => !instanceId || instance.id === instanceId,
      (adapter, instance) => adapter.models(instance.id),
    );
  }

  async catalogue(): Promise<PoolModel[]> {
    await this.capabilities.ensure(this.pool.instances(), DISCOVERY_WAIT_MS);
    const backends = new Map<string, string[]>();
    for (const instance of this.pool.instances()) {
      for (const model of this.modelsOf(instance) ?? []) {
        backends.set(model, [...(backends.get(model) ?? []), `${instance.kind}@${instance.id}`]);
      }
    }
    return [...backends]
      .map(([id, served]) => ({ id, backends: served }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Which instances may take a call for `model`; throws when none can. */
  async eligibleFor(model: string | undefined): Promise<(instance: BackendInstanceView) => boolean> {
    if (isDefaultModel(model)) return anyInstance;
    const serving = (instance: BackendInstanceView) => this.modelsOf(instance)?.includes(model!) === true;
    if (this.pool.instances().some(serving)) return serving;
    await this.capabilities.ensure(this.pool.instances(), DISCOVERY_WAIT_MS);
    if (this.pool.instances().some(serving)) return serving;
    const unknown = (instance: BackendInstanceView) => this.modelsOf(instance) === undefined;
    if (this.pool.instances().some(unknown)) return unknown;
    const available = [DEFAULT_MODEL_ALIAS, ...(await this.catalogue()).map((entry) => entry.id)];
    throw new EngineError(
      HttpStatus.NOT_FOUND,
      'MODEL_NOT_FOUND',
      `The model "${model}" is not served by any speech-to-text engine; available: ${available.join(', ')}`,
      false,
      { param: 'model', model, available_models: available },
    );
  }

  /**
   * The models an instance serves: what it listed and its configured model. A kind that names no models
   * (whisper.cpp hosts the one it was started with) serves its configured model, if any, and the default;
   * undefined while an instance whose kind lists models has never answered.
   */
  private modelsOf(instance: BackendInstanceView): string[] | undefined {
    const configured = this.configuredModel(instance.id);
    const listed = this.capabilities.of(instance)?.models;
    const lists = engineKindFacts(instance.service, instance.kind).discovery.models !== undefined;
    if (lists && listed === undefined) return configured ? [configured] : undefined;
    const models = new Set(listed ?? []);
    if (configured) models.add(configured);
    return [...models];
  }
}
