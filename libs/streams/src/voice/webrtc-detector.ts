import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ENGINE_SAMPLE_RATE } from '../audio/pcm';
import type { SpeechDetector } from './speech-detector';
import { VAD_FRAME_SAMPLES } from './speech-detector';

interface FvadInstance {
  processFrame(frame: Int16Array): number;
  destroy(): void;
}
type FvadClass = new (mode: number, sampleRate: number) => FvadInstance;
type FvadBuilder = (binary: Buffer) => Promise<FvadClass>;

/**
 * WebRTC's voice-activity detector (libfvad) from `@ozymandiasthegreat/vad`, which ships the WASM build in
 * its tarball (no install script, no download). Its package entry finds the .wasm through
 * `import.meta.url`, which jest's CommonJS cannot load, so the WASM is read here and handed to the
 * package's own builder. One module instance serves every stream; each stream gets its own detector state.
 */
export async function loadWebRtcVad(): Promise<(mode: number) => SpeechDetector> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const builder = (require('@ozymandiasthegreat/vad/lib/vad.js') as { default: FvadBuilder }).default;
  const packageDir = dirname(require.resolve('@ozymandiasthegreat/vad/package.json'));
  const Fvad = await builder(readFileSync(join(packageDir, 'dist', 'libfvad.wasm')));
  return (mode) => {
    const vad = new Fvad(mode, ENGINE_SAMPLE_RATE);
    // The package copies the frame's whole underlying buffer, so frames go through one exact-size array.
    const scratch = new Int16Array(VAD_FRAME_SAMPLES);
    return {
      isSpeech(frame) {
        scratch.set(frame);
        return vad.processFrame(scratch) === 1;
      },
      release: () => vad.destroy(),
    };
  };
}
