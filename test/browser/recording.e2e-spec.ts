import type { RunningApp } from '../support/app-harness';
import type { TestBrowser } from '../support/browser';
import type { FakeEngineServer } from '../support/fake-engine-server';
import { startDashboardStack, type DashboardStack } from '../support/dashboard-stack';

/** Recording from Chromium's fake microphone: chunks stream over Socket.IO and come back as transcript lines. */
describe('dashboard microphone recording in a browser', () => {
  let whisper: FakeEngineServer;
  let app: RunningApp;
  let browser: TestBrowser;
  let stack: DashboardStack;

  beforeAll(async () => {
    stack = await startDashboardStack({ browser: { fakeMicrophone: true } });
    ({ whisper, app, browser } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('streams recorded chunks and shows each transcript at its offset, with the level meter moving', async () => {
    const watched = await browser.open(`${app.url}/`);
    const { page } = watched;
    page.setDefaultTimeout(15000);
    await page.locator('#connection-indicator[data-state="connected"]').waitFor();
    await page.locator('#upload-form select[name="target_language"]').selectOption('es');

    const record = page.locator('#record-button');
    await record.click();
    await page.locator('#record-button[aria-pressed="true"]').waitFor();
    await page.locator('#level-text', { hasText: /^-?\d+ dB$/ }).waitFor();

    // Chunks are 3 s long: the second one's segments start at 0:03.0 of the recording.
    await page.locator('#transcript li', { hasText: '0:03.0' }).waitFor();
    await page.locator('#transcript .translation-line', { hasText: 'es: Hola' }).first().waitFor();
    await record.click();
    await page.locator('#record-button[aria-pressed="false"]', { hasText: 'Start recording' }).waitFor();

    expect(
      whisper.requests.filter((request) => request.path.startsWith('/transcribe')).length,
    ).toBeGreaterThanOrEqual(2);
    expect(watched.errors).toEqual([]);
    expect(watched.externalRequests).toEqual([]);
  });
});
