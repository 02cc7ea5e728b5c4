import { SAMPLES_PER_MS } from '../audio/pcm';

/** Every detector judges frames of this length (WebRTC VAD takes 10, 20 or 30 ms). */
export const VAD_FRAME_MS = 10;
export const VAD_FRAME_SAMPLES = VAD_FRAME_MS * SAMPLES_PER_MS;

/** One stream's voice-activity detector: is this 10 ms frame (16 kHz mono) speech? */
export interface SpeechDetector {
  isSpeech(frame: Int16Array): boolean;
  /** Frees what the detector holds outside the JS heap. */
  release(): void;
}
