import { ENGINE_KINDS, configuredModel, type BackendServiceConfig, type EngineKind } from '@app/config';
import type { TranscriptionOptions } from '../engine.types';

/**
 * The model one transcription asks for. Model names belong to the engine kind: the model a call names, else
 * the instance's or the service's configured one, else the kind's own default (`whisper-1` for openai);
 * whisper.cpp takes none. The platform's model names (the `default_whisper_model` setting, `whisper-base`)
 * go only to the platform's own service, which is the one that knows them.
 */
export function modelFor(
  kind: EngineKind<'whisper'>,
  settings: BackendServiceConfig,
  options: Pick<TranscriptionOptions, 'model' | 'platformModel' | 'instanceId'>,
): string | undefined {
  const model: { sentAs: string; default?: string } = ENGINE_KINDS.whisper[kind].model;
  if (model.sentAs === 'none') return undefined;
  const chosen = options.model ?? configuredModel(settings, options.instanceId);
  if (chosen) return chosen;
  return model.sentAs === 'path' ? options.platformModel : model.default;
}
