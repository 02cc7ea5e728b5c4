import request from 'supertest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from '../support/app-harness';
import { screenshotPath, type TestBrowser, type WatchedPage } from '../support/browser';
import type { FakeEngineServer } from '../support/fake-engine-server';
import { startDashboardStack, type DashboardStack } from '../support/dashboard-stack';
import { tone } from '../support/wav';

const PHONE = { width: 390, height: 844 };

/**
 * The dashboard in Debian's Chromium against a running orchestrator whose backends are loopback fakes of
 * the platform's whisper and speaker services and the real Apertium server.
 */
describe('dashboard in a browser', () => {
  let speaker: FakeEngineServer;
  let app: RunningApp;
  let browser: TestBrowser;
  let stack: DashboardStack;
  let dashboard: WatchedPage;

  let configDir: string;

  beforeAll(async () => {
    // Trend samples and pushes every second instead of every 10 and 5, so charts fill within the test.
    configDir = mkdtempSync(join(tmpdir(), 'lt-dashboard-'));
    writeFileSync(
      join(configDir, 'orchestration.yaml'),
      'metrics:\n  sample_interval: 1\nwebsocket:\n  update_interval: 1\n',
    );
    stack = await startDashboardStack({
      env: { HEALTH_CHECK_INTERVAL: '1', CONFIG_FILE: join(configDir, 'orchestration.yaml') },
    });
    ({ speaker, app, browser } = stack);
    dashboard = await browser.open(`${app.url}/`);
    dashboard.page.setDefaultTimeout(10000);
  });

  afterAll(async () => {
    await stack?.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('loads live, shows every panel with real data, logs no console errors and stays on loopback', async () => {
    const { page } = dashboard;
    await page.locator('#connection-indicator[data-state="connected"]').waitFor();
    for (const service of ['whisper', 'speaker', 'translation']) {
      await expectText(dashboard, `#service-list [data-service="${service}"] .service-head .badge`, 'up');
    }
    await expectText(dashboard, '#transcription [data-role="backend-state"]', 'whisper: up');
    await expectText(dashboard, '#languages-note', 'offered by the translation backend');
    await expectText(dashboard, '#connection-table tbody', 'HeadlessChrome');
    await expectText(dashboard, '#connection-stats', 'Peak');
    await expectText(dashboard, '#gateway-table tbody', 'translation');
    await expectText(dashboard, '#log-list', 'started');
    // A new entry arrives by push, without a reload.
    await request(app.url).post('/api/settings').send({ enable_vad: true }).expect(200);
    await expectText(dashboard, '#log-list', 'Settings changed: enable_vad');

    await page.locator('#translate-form select[name="source_lang"]').selectOption('en');
    await page.locator('#translate-form select[name="target_lang"]').selectOption('es');
    await page.locator('#translate-form textarea[name="text"]').fill('Hello world');
    await page.getByRole('button', { name: 'Translate', exact: true }).click();
    await expectText(dashboard, '#translation-result .translated', 'Hola');
    await expectText(dashboard, '#translation-result .confidence', '%');
    await expectText(dashboard, '#translation-history', 'Hello world');
    // Swap: the languages change places and the translation becomes the text to translate back.
    await page.getByRole('button', { name: 'Swap languages' }).click();
    expect(await page.locator('#translate-form select[name="source_lang"]').inputValue()).toBe('es');
    expect(await page.locator('#translate-form select[name="target_lang"]').inputValue()).toBe('en');
    expect(await page.locator('#translate-form textarea[name="text"]').inputValue()).toMatch(/^Hola/);
    // The gateway counted that call, and the panel shows it on the next metrics push.
    await page
      .locator('#gateway-table tr.service-row', { hasText: 'translation' })
      .locator('td:nth-child(2)')
      .filter({ hasNotText: /^0$/ })
      .waitFor({ timeout: 15000 });

    // Trend charts draw one line per series once the sampler has two points ('attached': a flat line has
    // no height, which Playwright counts as hidden).
    await page.locator('#request-rate-chart svg polyline').nth(2).waitFor({ state: 'attached' });
    await page.locator('#latency-chart svg polyline').waitFor({ state: 'attached' });

    expect(dashboard.errors).toEqual([]);
    expect(dashboard.externalRequests).toEqual([]);
  });

  it('turns an uploaded file into a transcript with timestamps, a speaker timeline and a translation', async () => {
    const { page } = dashboard;
    await page.locator('#upload-form input[type="file"]').setInputFiles({
      name: 'speech.wav',
      mimeType: 'audio/wav',
      buffer: tone(2.5, 0.5),
    });
    await page.locator('#upload-form select[name="language"]').selectOption('en');
    await page.locator('#upload-form select[name="target_language"]').selectOption('es');
    await page.getByLabel('Identify speakers').check();
    await page.getByRole('button', { name: 'Transcribe file' }).click();

    await expectText(dashboard, '#upload-form output[name="job-state"]', 'Done: speech.wav', 20000);
    await expectText(dashboard, '#upload-form output[name="job-state"]', 'speech)');
    await expectText(dashboard, '#transcript', 'Hello world.');
    await expectText(dashboard, '#transcript', '0:01.2–0:02.5');
    await expectText(dashboard, '#transcript .translation-line', 'es: Hola');
    await expectText(dashboard, '#translation-history', 'Hola');
    await page.locator('#speaker-timeline svg[aria-label^="Speaker timeline: 2 speakers"]').waitFor();
    expect(await page.locator('#speaker-timeline svg rect').count()).toBe(2);
    await expectText(dashboard, '#transcript .segment', 'SPEAKER_01Good morning.');
    // The gateway panel counts the pipeline's calls to the backends on its next metrics push.
    await page
      .locator('#gateway-table tr.service-row', { hasText: 'whisper' })
      .locator('td:nth-child(2)')
      .filter({ hasNotText: /^0$/ })
      .waitFor({ timeout: 15000 });

    await page.screenshot({ path: screenshotPath('dashboard-desktop.png'), fullPage: true });
    expect(dashboard.errors).toEqual([]);
  });

  it('is keyboard usable: the first Tab reaches the skip link, and Enter in the form translates', async () => {
    const watched = await browser.open(`${app.url}/`);
    const { page } = watched;
    try {
      await page.locator('#connection-indicator[data-state="connected"]').waitFor({ timeout: 10000 });
      await page.keyboard.press('Tab');
      expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to the panels');
      await page.locator('#translate-form select[name="source_lang"]').selectOption('en');
      await page.locator('#translate-form select[name="target_lang"]').selectOption('es');
      await page.locator('#translate-form textarea[name="text"]').fill('Good morning');
      await page.locator('#translate-form button[type="submit"]').focus();
      await page.keyboard.press('Enter');
      await expectText(watched, '#translation-result .translated', 'Buenos');
      expect(watched.errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const phone = await browser.open(`${app.url}/`, PHONE);
    try {
      await phone.page.locator('#connection-indicator[data-state="connected"]').waitFor();
      await expectText(phone, '#service-list [data-service="translation"] .service-head .badge', 'up');
      // A string, not a function: this project's TypeScript has no DOM types.
      const overflow = await phone.page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await phone.page.screenshot({ path: screenshotPath('dashboard-phone.png'), fullPage: true });
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.page.close();
    }
  });

  it('shows a backend taken down as down within the check interval, with an alert', async () => {
    await speaker.close();
    const badge = '#service-list [data-service="speaker"] .service-head .badge';
    // One interval (1 s) to notice, a refused connection fails at once; the rest is slack for a busy machine.
    await expectText(dashboard, badge, 'down', 5000);
    await expectText(dashboard, '#alert-list', 'speaker');
    await expectText(dashboard, '#service-list [data-service="speaker"]', 'SPEAKER_SERVICE_URL');
    await dashboard.page.locator('#health').screenshot({ path: screenshotPath('health-backend-down.png') });
    expect(dashboard.errors).toEqual([]);
  });
});

async function expectText(watched: WatchedPage, selector: string, text: string, timeout = 10000) {
  await watched.page.locator(selector, { hasText: text }).first().waitFor({ timeout });
}
