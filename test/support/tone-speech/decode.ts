import { TONE_VOCABULARY, toneWordFrequencyHz, toneWordLengthMs } from './vocabulary';

/** A word the engine heard, in seconds from the start of the audio it was given. */
export interface HeardWord {
  word: string;
  start: number;
  end: number;
  /** How sure the engine is: lower for a burst it heard cut short. */
  probability: number;
}

export interface ToneTranscript {
  text: string;
  words: HeardWord[];
}

/** A 10 ms frame is sound when its RMS passes -40 dBFS: 20 dB over the noise floor, 26 dB under a word. */
const FRAME_RMS_THRESHOLD = 0.01;
/** Burst edges are refined to the first and last sample over this level (about 11× the noise peak). */
const SAMPLE_THRESHOLD = 0.02 * 32768;
/** Enough of a burst to name its frequency (10 Hz resolution; neighbours are 50 Hz apart). */
const NAMING_WINDOW_MS = 100;
/** A burst shorter than this share of its word is misheard, and under FAINT_SHARE not heard at all. */
const CLEAR_SHARE = 0.7;
const FAINT_SHARE = 0.3;

/** Sample ranges [start, end) where frames carry sound. */
function findBursts(samples: Int16Array, sampleRate: number): [number, number][] {
  const frame = Math.round(sampleRate / 100);
  const bursts: [number, number][] = [];
  let open: number | undefined;
  for (let offset = 0; offset < samples.length; offset += frame) {
    const end = Math.min(samples.length, offset + frame);
    let energy = 0;
    for (let i = offset; i < end; i++) energy += samples[i] * samples[i];
    const loud = Math.sqrt(energy / (end - offset)) / 32768 > FRAME_RMS_THRESHOLD;
    if (loud && open === undefined) open = offset;
    if (!loud && open !== undefined) {
      bursts.push([open, offset]);
      open = undefined;
    }
  }
  if (open !== undefined) bursts.push([open, samples.length]);
  // A frame only grazed by a burst stays under the threshold: widen by one frame, then trim to the samples.
  return bursts.map(([start, end]) => {
    let from = Math.max(0, start - frame);
    let to = Math.min(samples.length, end + frame);
    while (from < to && Math.abs(samples[from]) < SAMPLE_THRESHOLD) from++;
    while (to > from && Math.abs(samples[to - 1]) < SAMPLE_THRESHOLD) to--;
    return [from, to];
  });
}

/** Goertzel power of one frequency over samples[from, to). */
function goertzelPower(
  samples: Int16Array,
  from: number,
  to: number,
  hz: number,
  sampleRate: number,
): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (let i = from; i < to; i++) {
    const current = samples[i] + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
}

/** The vocabulary word whose frequency is strongest in the middle of the burst. */
function nameBurst(samples: Int16Array, start: number, end: number, sampleRate: number): number {
  const window = Math.min(end - start, Math.round((NAMING_WINDOW_MS * sampleRate) / 1000));
  const from = start + Math.floor((end - start - window) / 2);
  let best = 0;
  let bestPower = -1;
  TONE_VOCABULARY.forEach((word, i) => {
    const power = goertzelPower(samples, from, from + window, toneWordFrequencyHz(word), sampleRate);
    if (power > bestPower) {
      best = i;
      bestPower = power;
    }
  });
  return best;
}

const seconds = (sample: number, sampleRate: number) => Math.round((sample / sampleRate) * 1000) / 1000;

/**
 * The tone-speech engine's decoder (CONTRACTS §6): bursts found by 10 ms frame energy, each named by its
 * strongest vocabulary frequency. A burst shorter than 70% of its word's length (a word cut at a chunk
 * edge, or by lost frames) is heard as the next word of the vocabulary; under 30% it is not heard at all.
 */
export function decodeToneSpeech(samples: Int16Array, sampleRate: number): ToneTranscript {
  const words: HeardWord[] = [];
  for (const [start, end] of findBursts(samples, sampleRate)) {
    if (end <= start) continue;
    const index = nameBurst(samples, start, end, sampleRate);
    const share = ((end - start) * 1000) / sampleRate / toneWordLengthMs(TONE_VOCABULARY[index]);
    if (share < FAINT_SHARE) continue;
    const clear = share >= CLEAR_SHARE;
    words.push({
      word: TONE_VOCABULARY[clear ? index : (index + 1) % TONE_VOCABULARY.length],
      start: seconds(start, sampleRate),
      end: seconds(end, sampleRate),
      probability: clear ? 0.95 : 0.4,
    });
  }
  return { text: words.map((w) => w.word).join(' '), words };
}
