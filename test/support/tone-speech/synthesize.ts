import { pcm16Wav } from '../wav';
import { randomInt, seededRandom } from './random';
import { TONE_AMPLITUDE, TONE_RAMP_MS, toneWordFrequencyHz, toneWordLengthMs } from './vocabulary';

export interface ToneSpeechOptions {
  sampleRate?: number;
  /** Seeds the pauses and the noise. */
  seed?: number;
  /** RMS of the uniform noise floor, dB relative to full scale; -Infinity for none. */
  noiseDbfs?: number;
  /** Silence before the first word. */
  leadMs?: number;
  /** Silence after the last word: long enough for a live stream's endpointing to close the last sentence. */
  tailMs?: number;
}

export interface TimedText {
  startMs: number;
  endMs: number;
}

/** Synthesized audio and exactly when each word and sentence was spoken. */
export interface ToneSpeech {
  samples: Int16Array;
  sampleRate: number;
  durationMs: number;
  words: ({ word: string } & TimedText)[];
  sentences: ({ text: string } & TimedText)[];
}

/** Pauses between words of a sentence and between sentences (CONTRACTS §6). */
const WORD_GAP_MS: [number, number] = [50, 150];
const SENTENCE_GAP_MS: [number, number] = [500, 1200];

/** Lays the words out in time: word i of a sentence starts a word gap after word i-1 ends. */
function layOut(script: string[][], random: () => number, leadMs: number): ToneSpeech['words'] {
  const words: ToneSpeech['words'] = [];
  let cursor = leadMs;
  script.forEach((sentence, s) => {
    if (s > 0) cursor += randomInt(random, ...SENTENCE_GAP_MS);
    sentence.forEach((word, w) => {
      if (w > 0) cursor += randomInt(random, ...WORD_GAP_MS);
      const endMs = cursor + toneWordLengthMs(word);
      words.push({ word, startMs: cursor, endMs });
      cursor = endMs;
    });
  });
  return words;
}

function addTone(audio: Float32Array, sampleRate: number, word: ToneSpeech['words'][number]): void {
  const start = Math.round((word.startMs * sampleRate) / 1000);
  const length = Math.round(((word.endMs - word.startMs) * sampleRate) / 1000);
  const ramp = Math.round((TONE_RAMP_MS * sampleRate) / 1000);
  const step = (2 * Math.PI * toneWordFrequencyHz(word.word)) / sampleRate;
  for (let i = 0; i < length; i++) {
    const envelope = Math.min(1, i / ramp, (length - 1 - i) / ramp);
    audio[start + i] += TONE_AMPLITUDE * envelope * Math.sin(step * i);
  }
}

/** Renders a script as 16-bit mono tone speech with its word and sentence timings. */
export function synthesizeToneSpeech(script: string[][], options: ToneSpeechOptions = {}): ToneSpeech {
  const { sampleRate = 16000, seed = 1, noiseDbfs = -60, leadMs = 200, tailMs = 800 } = options;
  const random = seededRandom(seed);
  const words = layOut(script, random, leadMs);
  const durationMs = (words.at(-1)?.endMs ?? leadMs) + tailMs;
  const audio = new Float32Array(Math.round((durationMs * sampleRate) / 1000));
  // A uniform distribution on [-a, a] has an RMS of a/√3.
  const noisePeak = Number.isFinite(noiseDbfs) ? Math.sqrt(3) * 10 ** (noiseDbfs / 20) : 0;
  for (let i = 0; i < audio.length; i++) audio[i] = noisePeak * (2 * random() - 1);
  for (const word of words) addTone(audio, sampleRate, word);
  const samples = new Int16Array(audio.length);
  for (let i = 0; i < audio.length; i++) samples[i] = Math.round(Math.max(-1, Math.min(1, audio[i])) * 32767);
  let offset = 0;
  const sentences = script
    .filter((sentence) => sentence.length > 0)
    .map((sentence) => {
      const spoken = words.slice(offset, offset + sentence.length);
      offset += sentence.length;
      return { text: sentence.join(' '), startMs: spoken[0].startMs, endMs: spoken[spoken.length - 1].endMs };
    });
  return { samples, sampleRate, durationMs, words, sentences };
}

/** The samples as a 16-bit PCM mono WAV file. */
export function toneSpeechWav(speech: Pick<ToneSpeech, 'samples' | 'sampleRate'>): Buffer {
  return pcm16Wav(speech.samples, speech.sampleRate);
}
