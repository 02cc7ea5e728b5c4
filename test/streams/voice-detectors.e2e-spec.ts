import {
  UtteranceSegmenter,
  type ClosedUtterance,
} from '../../libs/streams/src/segmentation/utterance-segmenter';
import { energyDetector } from '../../libs/streams/src/voice/energy-detector';
import type { SpeechDetector } from '../../libs/streams/src/voice/speech-detector';
import { loadWebRtcVad } from '../../libs/streams/src/voice/webrtc-detector';
import { ESPEAK_SENTENCES as SENTENCES, speechInNoise } from '../support/espeak-speech';

const OPTIONS = { endSilenceMs: 500, maxUtteranceMs: 15000, preRollMs: 200, minSpeechMs: 60 };

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
