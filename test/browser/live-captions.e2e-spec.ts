import type { Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { screenshotPath, withBrowser } from '../support/browser';
import {
  makeToneScript,
  startToneSpeechEngine,
  synthesizeToneSpeech,
  toneSpeechWav,
  TONE_VOCABULARY,
  wordErrorRate,
  type ToneSpeech,
  type ToneSpeechEngine,
} from '../support/tone-speech';

const words = (text: string): string[] => text.toLowerCase().match(/[a-z]+/g) ?? [];

/**
 * Live captions in Chromium: its fake capture device plays tone speech (CONTRACTS §6) into the dashboard,
 * which streams it (§3a) to the real app, whose live streams use the energy detector and the tone-speech
 * engine; translations come from the real Apertium.
 */
describe('dashboard live captions in a browser', () => {
  let engine: ToneSpeechEngine;
  let app: RunningApp;
  /** The sockets of every WebSocket upgrade, so a test can drop the page's connection like a network fault. */
  const upgrades: Socket[] = [];

  function speechFile(seed: number, sentences: number): { speech: ToneSpeech; wav: string } {
    const script = makeToneScript({ seed, sentences, wordsPerSentence: [3, 5] });
    const speech = synthesizeToneSpeech(script, { seed, leadMs: 2000, tailMs: 1500 });
    const wav = join(tmpdir(), `lt-live-captions-${process.pid}-${seed}.wav`);
    writeFileSync(wav, toneSpeechWav(speech));
    return { speech, wav };
  }

  beforeAll(async () => {
    engine = await startToneSpeechEngine({ kind: 'openai' });
    app = await startApp({
      WHISPER_SERVICE_URL: engine.url,
      WHISPER_SERVICE_KIND: 'openai',
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
      SPEAKER_SERVICE_URL: 'http://127.0.0.1:9',
      STREAM_VAD: 'energy',
      // A health probe timing out on a busy machine would take the engine out of the pool mid-test.
      HEALTH_CHECK_INTERVAL: '3600',
    });
    app.app.getHttpServer().on('upgrade', (_request: unknown, socket: Socket) => upgrades.push(socket));
  });

  afterAll(async () => {
    await app?.close();
    await engine?.stop();
  });

  async function startCaptions(page: Page): Promise<void> {
    page.setDefaultTimeout(30000);
    await page.locator('#connection-indicator[data-state="connected"]').waitFor();
    const form = page.locator('#caption-form');
    await form.locator('select[name="language"]').selectOption('en');
    await form.locator('select[name="target_language"]').selectOption('es');
    // Keyboard only: focus the button and press Enter.
    await page.locator('#record-button').focus();
    await page.keyboard.press('Enter');
    await page.locator('#record-button[aria-pressed="true"]').waitFor();
  }

  /** Stops after the speech has been played, and waits until the server said every final is out. */
  async function stopCaptions(page: Page): Promise<void> {
    await page.locator('#record-button').click();
    await page.locator('#record-state', { hasText: /^Stopped: / }).waitFor();
  }

  async function finals(page: Page): Promise<{ key: string; text: string; translations: string[] }[]> {
    return page.locator('#captions li[data-state="final"]').evaluateAll((items) =>
      items.map((item) => ({
        key: item.getAttribute('data-key') ?? '',
        text: item.querySelector('.caption-text')?.textContent ?? '',
        translations: [...item.querySelectorAll('.translation-line[lang="es"]')].map(
          (line) => line.textContent ?? '',
        ),
      })),
    );
  }

  it('shows the words said, interim then final, each final with its Spanish translation, and the lag strip', async () => {
    const { speech, wav } = speechFile(21, 3);
    await withBrowser({ microphoneFile: wav }, async (browser) => {
      const watched = await browser.open(`${app.url}/`);
      const { page } = watched;
      await startCaptions(page);

      // An utterance is first shown as provisional, then the same line becomes final. Read in the page the moment an interim appears: it may turn final soon after. (A string: the page's
      // CSP forbids the eval that waitForFunction would need.)
      type Shown = { key: string; fontStyle: string; tag: string };
      const interim = page.evaluate<Shown>(`new Promise((resolve) => {
        const list = document.querySelector('#captions');
        const read = () => {
          const item = list.querySelector('li[data-state="interim"]');
          if (!item) return false;
          resolve({
            key: item.dataset.key,
            fontStyle: getComputedStyle(item.querySelector('.caption-text')).fontStyle,
            tag: item.querySelector('.provisional-tag').textContent,
          });
          return true;
        };
        if (!read()) {
          const observer = new MutationObserver(() => read() && observer.disconnect());
          observer.observe(list, { subtree: true, childList: true, attributes: true });
        }
      })`);
      const { key, fontStyle, tag } = await interim;
      expect({ fontStyle, tag }).toEqual({ fontStyle: 'italic', tag: 'still listening…' });
      await page.locator(`#captions li[data-key="${key}"][data-state="final"]`).waitFor();
      await page.locator('#captions li[data-state="final"] .translation-line[lang="es"]').first().waitFor();

      await page.locator('#live-strip [data-part="lag"]', { hasText: /^Captions are / }).waitFor();
      // The engine's speed as the server measures it, smoothed over the calls: waited for rather than read
      // once, since on a busy machine the first short windows can take longer than their audio.
      await page.locator('#live-strip [data-part="rtf"]', { hasText: /faster than speech/ }).waitFor();
      await page.locator('#live-strip [data-part="state"]', { hasText: /^working normally$/ }).waitFor();
      await page.locator('#transcription').screenshot({ path: screenshotPath('live-captions.png') });

      await page.waitForTimeout(Math.max(0, speech.durationMs - 2000));
      await stopCaptions(page);
      const shown = await finals(page);
      const said = speech.words.map((word) => word.word);
      const heard = shown.flatMap((final) => words(final.text));
      expect(wordErrorRate(said, heard)).toBeLessThanOrEqual(0.05);
      expect(heard.every((word) => (TONE_VOCABULARY as readonly string[]).includes(word))).toBe(true);

      // Every final has its translation, and it is what Apertium itself makes of that final.
      for (const final of shown) expect(final.translations).toHaveLength(1);
      const apertium = await request(process.env.TEST_APERTIUM_URL ?? '')
        .get('/translate')
        .query({ langpair: 'eng|spa', q: shown[0].text })
        .expect(200);
      expect(shown[0].translations[0]).toBe(`es: ${apertium.body.responseData.translatedText}`);

      // The session keeps them: they can be copied and exported.
      const href = await page.locator('#download-srt').getAttribute('href');
      const srt = await request(app.url)
        .get(href ?? '')
        .expect(200);
      expect(words(srt.text).filter((word) => said.includes(word)).length).toBeGreaterThanOrEqual(
        heard.length - 1,
      );

      await page.locator('#copy-captions').click();
      await page.locator('#record-state', { hasText: `Copied ${shown.length} caption` }).waitFor();
      const copied = await page.evaluate<string>('navigator.clipboard.readText()');
      for (const final of shown) expect(copied).toContain(`${final.text}\n    ${final.translations[0]}`);

      // A reloaded tab keeps its session and shows these captions as its history.
      await page.reload();
      await page.locator('#caption-history-block[open]').waitFor();
      await expect(page.locator('#caption-history-block [data-role="count"]').textContent()).resolves.toBe(
        String(shown.length),
      );
      await expect(page.locator('#caption-history li .caption-text').allTextContents()).resolves.toEqual(
        shown.map((final) => final.text),
      );

      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.locator('#transcription').screenshot({ path: screenshotPath('live-captions-phone.png') });
      expect(watched.errors).toEqual([]);
      expect(watched.externalRequests).toEqual([]);
    });
  });

  it('resumes after the connection drops mid-stream, losing and repeating nothing', async () => {
    const { speech, wav } = speechFile(22, 3);
    await withBrowser({ microphoneFile: wav }, async (browser) => {
      const { page, errors } = await browser.open(`${app.url}/`);
      await startCaptions(page);
      await page.locator('#captions li[data-state="final"]').first().waitFor();

      // Mid-sentence if possible: the words after the last final are held by the page and sent again.
      await page.waitForTimeout(700);
      for (const socket of upgrades.splice(0)) socket.destroy();
      await page
        .locator('#caption-problem[data-kind="interrupted"]', { hasText: 'Connection lost' })
        .waitFor();
      await page.locator('#caption-problem[data-kind="resumed"]', { hasText: 'nothing lost' }).waitFor();
      await page.locator('#connection-indicator[data-state="connected"]').waitFor();
      await page
        .locator('#caption-problem')
        .screenshot({ path: screenshotPath('live-captions-resumed.png') });

      await page.waitForTimeout(Math.max(0, speech.durationMs - 4000));
      await stopCaptions(page);
      const shown = await finals(page);
      const said = speech.words.map((word) => word.word);
      const heard = shown.flatMap((final) => words(final.text));
      expect(wordErrorRate(said, heard)).toBeLessThanOrEqual(0.05);
      expect(new Set(shown.map((final) => final.key)).size).toBe(shown.length);
      expect(errors).toEqual([]);
    });
  });

  it('streams generated tone speech from /websocket-test and shows every stream event', async () => {
    await withBrowser({}, async (browser) => {
      const { page, errors } = await browser.open(`${app.url}/websocket-test`);
      page.setDefaultTimeout(30000);
      await page.locator('#connection-indicator[data-state="connected"]').waitFor();
      const card = page.locator('#stream-card');
      await card.locator('input[name="sentences"]').fill('2');
      await card.locator('select[name="speed"]').selectOption('5');
      await card.locator('button[type="submit"]').click();
      await card.locator('output[name="stream-state"]', { hasText: /^Done: / }).waitFor();

      const messages = page.locator('#messages');
      for (const event of [
        'stream_started',
        'transcript_interim',
        'transcript_final',
        'translation_final',
        'stream_status',
        'stream_stopped',
      ])
        await messages.locator(`li[data-dir="in"][data-event="${event}"]`).first().waitFor();
      const played = JSON.parse(
        (await card.locator('[data-role="played"]').getAttribute('data-words')) ?? '[]',
      ) as number[][];
      const finals = await messages
        .locator('li[data-dir="in"][data-event="transcript_final"] pre')
        .evaluateAll((nodes) =>
          nodes.map((node) => JSON.parse(node.textContent ?? '{}') as { text: string; start_ms: number }),
        );
      const heard = finals.sort((a, b) => a.start_ms - b.start_ms).flatMap((final) => words(final.text));
      expect(
        wordErrorRate(
          played.flat().map((index) => TONE_VOCABULARY[index]),
          heard,
        ),
      ).toBeLessThanOrEqual(0.05);
      await page.screenshot({ path: screenshotPath('websocket-test-stream.png') });
      expect(errors).toEqual([]);
    });
  });

  // Last: it slows the shared engine down and kills it.
  it('says in plain words when the engine falls behind, and when no engine answers', async () => {
    const { wav } = speechFile(23, 3);
    engine.setLatency({ rtf: 1.5 });
    try {
      await withBrowser({ microphoneFile: wav }, async (browser) => {
        const { page } = await browser.open(`${app.url}/`);
        await startCaptions(page);
        await page.locator('#live-strip [data-part="state"]', { hasText: /^degraded: / }).waitFor();
        await expect(page.locator('#live-strip [data-part="rtf"]').textContent()).resolves.toMatch(
          /slower than speech, so captions fall behind/,
        );
        await page
          .locator('#live-captions')
          .screenshot({ path: screenshotPath('live-captions-degraded.png') });

        engine.kill();
        const problem = page.locator('#caption-problem', { hasText: 'No speech-to-text engine answers' });
        await problem.waitFor();
        expect(await problem.textContent()).toMatch(/start the speech engine or fix WHISPER_SERVICE_URL/);
        await page
          .locator('#live-captions')
          .screenshot({ path: screenshotPath('live-captions-no-engine.png') });
      });
    } finally {
      engine.setLatency({ rtf: 0.05 });
      await engine.restart();
    }
  });
});
