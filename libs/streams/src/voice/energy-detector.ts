import { levelDb } from '../audio/pcm';
import type { SpeechDetector } from './speech-detector';

/**
 * A frame is speech when its level passes a fixed threshold. Blind to what the sound is, so any tone or
 * noise above the threshold counts; that is exactly what tone speech (CONTRACTS §6) needs, and what real
 * speech in noise does not.
 */
export function energyDetector(thresholdDb: number): SpeechDetector {
  return {
    isSpeech: (frame) => levelDb(frame) >= thresholdDb,
    release: () => undefined,
  };
}
