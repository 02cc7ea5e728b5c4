import type {
  AudioInput,
  DiarizationOptions,
  SpeakerEngine,
  SpeakerSegment,
  SpeechToTextEngine,
  TranscriptionOptions,
  TranscriptionResult,
} from '../engine.types';
import type { EnginePool } from './engine-pool';

const anyInstance = () => true;

/** Speech-to-text over a pool of instances of any kinds, failing over between them (EnginePool). */
export class PooledSpeechToTextEngine implements SpeechToTextEngine {
  readonly kind = 'pool';

  constructor(private readonly pool: EnginePool<SpeechToTextEngine>) {}

  transcribe(audio: AudioInput, options: TranscriptionOptions): Promise<TranscriptionResult> {
    return this.pool.run(
      anyInstance,
      (adapter, instance) => adapter.transcribe(audio, { ...options, instanceId: instance.id }),
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
}

/** Diarization over a pool of instances, failing over between them (EnginePool). */
export class PooledSpeakerEngine implements SpeakerEngine {
  readonly kind = 'pool';

  constructor(private readonly pool: EnginePool<SpeakerEngine>) {}

  diarize(audio: AudioInput, options: DiarizationOptions): Promise<SpeakerSegment[]> {
    return this.pool.run(
      anyInstance,
      (adapter, instance) => adapter.diarize(audio, { ...options, instanceId: instance.id }),
      options.signal,
      { audioMs: audio.durationMs },
    );
  }
}
