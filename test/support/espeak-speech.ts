import { execFileSync } from 'node:child_process';
import { createStreamResampler } from '../../libs/streams/src/audio/stream-resampler';
import { seededRandom } from './tone-speech/random';

/** Three sentences that differ enough in length and sound for a detector to be judged on each. */
export const ESPEAK_SENTENCES = [
  'The weather will be cloudy tomorrow morning.',
  'Please send the report before the meeting starts.',
  'Our train leaves from platform seven at noon.',
];

/** Real speech at 16 kHz, the sentences apart, and where each one was spoken (ms). */
export interface SpeechInNoise {
  samples: Int16Array;
  sampleRate: 16000;
  spans: [number, number][];
}

/** espeak-ng speaks at 22,050 Hz; the stream's resampler brings it to 16 kHz, as it would a client's audio. */
async function speak(text: string): Promise<Int16Array> {
  const wav = execFileSync('espeak-ng', ['--stdout', '-s', '160', text]);
  const data = wav.indexOf('data', 12) + 8;
  const bytes = wav.subarray(data, data + ((wav.length - data) & ~1));
  const samples = new Int16Array(bytes.length / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
  const resampler = await createStreamResampler(wav.readUInt32LE(24));
  const converted = resampler.push(samples);
  resampler.close();
  return converted;
}

/**
 * `sentences` spoken by espeak-ng with `gapMs` of silence before, between and after them, white noise at
 * `noiseDbfs` (RMS) over all of it (seeded, the same every run), and where each sentence was spoken.
 */
export async function speechInNoise(
  noiseDbfs: number,
  { sentences = ESPEAK_SENTENCES, gapMs = 1500 }: { sentences?: string[]; gapMs?: number } = {},
): Promise<SpeechInNoise> {
  const parts = await Promise.all(sentences.map(speak));
  const gap = (gapMs * 16000) / 1000;
  const total = parts.reduce((sum, part) => sum + part.length + gap, gap);
  const samples = new Int16Array(total);
  const spans: [number, number][] = [];
  let at = gap;
  for (const part of parts) {
    samples.set(part, at);
    // The spoken span: first to last sample clearly above espeak's own silence.
    let first = 0;
    let last = part.length - 1;
    while (first < part.length && Math.abs(part[first]) < 300) first++;
    while (last > first && Math.abs(part[last]) < 300) last--;
    spans.push([((at + first) * 1000) / 16000, ((at + last) * 1000) / 16000]);
    at += part.length + gap;
  }
  const random = seededRandom(7);
  const peak = Math.sqrt(3) * 10 ** (noiseDbfs / 20) * 32767;
  for (let i = 0; i < samples.length; i++) {
    samples[i] = Math.max(-32768, Math.min(32767, samples[i] + Math.round(peak * (2 * random() - 1))));
  }
  return { samples, sampleRate: 16000, spans };
}
