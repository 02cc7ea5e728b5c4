import { execFileSync } from 'node:child_process';
import { createStreamResampler } from '../../libs/streams/src/audio/stream-resampler';
import {
  UtteranceSegmenter,
  type ClosedUtterance,
} from '../../libs/streams/src/segmentation/utterance-segmenter';
import { energyDetector } from '../../libs/streams/src/voice/energy-detector';
import type { SpeechDetector } from '../../libs/streams/src/voice/speech-detector';
import { loadWebRtcVad } from '../../libs/streams/src/voice/webrtc-detector';
import { seededRandom } from '../support/tone-speech/random';

const SENTENCES = [
  'The weather will be cloudy tomorrow morning.',
  'Please send the report before the meeting starts.',
  'Our train leaves from platform seven at noon.',
];
const GAP_MS = 1500;
const OPTIONS = { endSilenceMs: 500, maxUtteranceMs: 15000, preRollMs: 200, minSpeechMs: 60 };

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

/** The sentences with gaps of silence, white noise at `noiseDbfs` over all of it, and where each was spoken. */
async function speechInNoise(noiseDbfs: number): Promise<{ samples: Int16Array; spans: [number, number][] }> {
  const parts = await Promise.all(SENTENCES.map(speak));
  const gap = (GAP_MS * 16000) / 1000;
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
  return { samples, spans };
}

function segment(detector: SpeechDetector, samples: Int16Array): ClosedUtterance[] {
  const segmenter = new UtteranceSegmenter(detector, OPTIONS);
  const closed: ClosedUtterance[] = [];
  for (let at = 0; at < samples.length; at += 1600)
    closed.push(...segmenter.push(samples.subarray(at, at + 1600)));
  closed.push(...segmenter.flush());
  return closed;
}

/**
 * The test that chose the default detector (docs/streams.md): real speech (espeak-ng) in white noise. Each
 * sentence must become one utterance that covers it; the energy detector, which only hears loudness,
 * cannot tell noise from speech once the noise passes its threshold.
 */
describe('voice-activity detectors on espeak-ng speech in noise', () => {
  it('WebRTC VAD finds each sentence as one utterance at about 10 dB SNR', async () => {
    const { samples, spans } = await speechInNoise(-35);
    const webrtc = (await loadWebRtcVad())(3);
    const utterances = segment(webrtc, samples);
    webrtc.release();
    expect(utterances).toHaveLength(SENTENCES.length);
    utterances.forEach((utterance, i) => {
      // Covers the sentence, give or take 150 ms at either edge, and holds little of the gaps around it.
      expect(utterance.startMs).toBeLessThanOrEqual(spans[i][0] + 150);
      expect(utterance.endMs).toBeGreaterThanOrEqual(spans[i][1] - 150);
      expect(utterance.endMs - utterance.startMs).toBeLessThan(spans[i][1] - spans[i][0] + 1000);
    });
  });

  it('the energy detector merges the sentences and the noise between them into one utterance', async () => {
    const { samples } = await speechInNoise(-35);
    const utterances = segment(energyDetector(-45), samples);
    expect(utterances).toHaveLength(1);
  });

  it('both find the sentences in quiet (-60 dBFS noise)', async () => {
    const { samples } = await speechInNoise(-60);
    const webrtc = (await loadWebRtcVad())(3);
    expect(segment(webrtc, samples)).toHaveLength(SENTENCES.length);
    expect(segment(energyDetector(-45), samples)).toHaveLength(SENTENCES.length);
    webrtc.release();
  });
});
