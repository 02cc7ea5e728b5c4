import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from '../support/app-harness';
import { startApp } from '../support/app-harness';
import { screenshotPath, withBrowser } from '../support/browser';
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
 * to the words that were played, at their spacing. And the microphone problems people meet, each shown
 * with what to do.
 */
describe('dashboard microphone capture', () => {
  const script = makeToneScript({ seed: 17, sentences: 2, wordsPerSentence: [4, 5] });
  const speech = synthesizeToneSpeech(script, { seed: 17, leadMs: 2000, tailMs: 500 });
  const wav = join(tmpdir(), `lt-capture-${process.pid}.wav`);
  let app: RunningApp;

  beforeAll(async () => {
    writeFileSync(wav, toneSpeechWav(speech));
    // No engine is needed: the page only captures, or fails before it sends anything.
    app = await startApp({
      WHISPER_SERVICE_URL: 'http://127.0.0.1:9',
      TRANSLATION_SERVICE_URL: 'http://127.0.0.1:9',
    });
  });

  afterAll(async () => {
    await app?.close();
  });

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
        // Until the frames cover the whole speech (and one more), not for a wall-clock time: on a busy
        // machine Chromium's capture starts late and its audio thread runs behind.
        const enough = ${Math.ceil(speech.durationMs / 100) + 1};
        const deadline = Date.now() + ${Math.ceil(speech.durationMs) * 4};
        while (frames.length < enough && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
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

  it.each([
    {
      problem: 'refused',
      options: { denyMicrophone: true },
      kind: 'denied',
      says: /not allowed to use the microphone.*Allow microphone access/,
      screenshot: 'captions-microphone-denied.png',
    },
    {
      problem: 'absent',
      options: {},
      kind: 'absent',
      says: /No microphone was found.*Connect a microphone/,
      screenshot: 'captions-microphone-absent.png',
    },
  ])('says what to do when the microphone is $problem', async ({ options, kind, says, screenshot }) => {
    await withBrowser(options, async (browser) => {
      const { page } = await browser.open(`${app.url}/`);
      page.setDefaultTimeout(15000);
      await page.locator('#connection-indicator[data-state="connected"]').waitFor();
      await page.locator('#record-button').click();
      const problem = page.locator(`#caption-problem[data-kind="${kind}"]`);
      await problem.waitFor();
      expect(await problem.textContent()).toMatch(says);
      await expect(page.locator('#record-button').getAttribute('aria-pressed')).resolves.toBe('false');
      await page.locator('#live-captions').screenshot({ path: screenshotPath(screenshot) });
    });
  });
});
