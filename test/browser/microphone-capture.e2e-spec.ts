import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from '../support/app-harness';
import { startApp } from '../support/app-harness';
import { launchBrowser, type TestBrowser } from '../support/browser';
import {
  decodeToneSpeech,
  makeToneScript,
  synthesizeToneSpeech,
  toneSpeechWav,
  wordErrorRate,
} from '../support/tone-speech';

interface CapturedFrames {
  sampleRate: number;
  frames: { offsetMs: number; durationMs: number; samples: number[] }[];
}

/**
 * The dashboard's AudioWorklet capture, in Chromium with its fake capture device playing a tone-speech WAV:
 * what the page would stream is 16 kHz PCM in 100 ms frames with contiguous offsets, and it still decodes
 * to the words that were played, at their spacing.
 */
describe('dashboard microphone capture', () => {
  const script = makeToneScript({ seed: 17, sentences: 2, wordsPerSentence: [4, 5] });
  const speech = synthesizeToneSpeech(script, { seed: 17, leadMs: 1000, tailMs: 500 });
  const wav = join(tmpdir(), `lt-capture-${process.pid}.wav`);
  let app: RunningApp;

  beforeAll(async () => {
    writeFileSync(wav, toneSpeechWav(speech));
    // No engine is needed: the page only captures here, it sends nothing.
    app = await startApp({
      WHISPER_SERVICE_URL: 'http://127.0.0.1:9',
      TRANSLATION_SERVICE_URL: 'http://127.0.0.1:9',
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  async function withBrowser<T>(
    options: Parameters<typeof launchBrowser>[0],
    run: (browser: TestBrowser) => Promise<T>,
  ): Promise<T> {
    const browser = await launchBrowser(options);
    try {
      return await run(browser);
    } finally {
      await browser.close();
    }
  }

  it('frames the microphone as contiguous 100 ms 16 kHz PCM that decodes to the words played', async () => {
    const captured = await withBrowser({ microphoneFile: wav }, async (browser) => {
      const { page, errors } = await browser.open(`${app.url}/`);
      // A string, not a function: the test's transpiler must not rewrite the page's dynamic import.
      const result = await page.evaluate<CapturedFrames>(`(async () => {
        const { MicrophoneCapture } = await import('/static/js/capture/microphone-capture.js');
        const frames = [];
        const capture = new MicrophoneCapture({
          onFrame: (frame) =>
            frames.push({ offsetMs: frame.offsetMs, durationMs: frame.durationMs, samples: Array.from(frame.pcm) }),
        });
        await capture.start();
        await new Promise((resolve) => setTimeout(resolve, ${Math.ceil(speech.durationMs) + 300}));
        await capture.stop();
        return { sampleRate: capture.sampleRate, frames };
      })()`);
      expect(errors).toEqual([]);
      return result;
    });

    expect(captured.sampleRate).toBe(16000);
    const { frames } = captured;
    expect(frames.length).toBeGreaterThan(speech.durationMs / 100);
    frames.slice(0, -1).forEach((frame, i) => {
      expect(frame.samples).toHaveLength(1600);
      expect(frame.offsetMs).toBe(i * 100);
      expect(frame.durationMs).toBe(100);
    });
    const samples = Int16Array.from(frames.flatMap((frame) => frame.samples));
    const heard = decodeToneSpeech(samples, 16000).words;
    const said = speech.words.map((word) => word.word);
    expect(
      wordErrorRate(
        said,
        heard.map((word) => word.word),
      ),
    ).toBeLessThanOrEqual(0.05);
    // No frame lost or repeated: every word starts where the script put it, shifted by one constant delay.
    // A 100 ms frame lost or doubled would move the later words by 100 ms; on a busy machine Chromium's own
    // audio thread may slip a few 10 ms render quanta, which is what the margin allows.
    const shift = heard[0].start * 1000 - speech.words[0].startMs;
    for (const [i, word] of heard.entries())
      expect(Math.abs(word.start * 1000 - speech.words[i].startMs - shift)).toBeLessThan(50);
  });
});
