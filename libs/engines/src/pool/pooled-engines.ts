import type { AudioInput, DiarizationOptions, SpeakerEngine, SpeakerSegment } from '../engine.types';
import type { EnginePool } from './engine-pool';

const anyInstance = () => true;

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
