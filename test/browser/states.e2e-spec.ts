import { startApp, type RunningApp } from '../support/app-harness';
import { launchBrowser, type TestBrowser } from '../support/browser';
import { freePort } from '../support/free-port';

/** The dashboard's failure states say what is wrong and what to do. */
describe('dashboard failure states in a browser', () => {
  let app: RunningApp;
  let browser: TestBrowser;
  let appClosed = false;

  beforeAll(async () => {
    // Nothing listens on these ports: the backends are configured but absent.
    const [whisperPort, speakerPort, translationPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
    ]);
    [app, browser] = await Promise.all([
      startApp({
        WHISPER_SERVICE_URL: `http://127.0.0.1:${whisperPort}`,
        SPEAKER_SERVICE_URL: `http://127.0.0.1:${speakerPort}`,
        TRANSLATION_SERVICE_URL: `http://127.0.0.1:${translationPort}`,
        HEALTH_CHECK_INTERVAL: '1',
      }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    if (!appClosed) await app?.close();
  });

  it('names the variable to fix for a backend that does not answer, and falls back to the ten languages', async () => {
    const watched = await browser.open(`${app.url}/`);
    const { page } = watched;
    page.setDefaultTimeout(10000);
    await page.locator('#connection-indicator[data-state="connected"]').waitFor();
    await page
      .locator('#transcription [data-role="notice"]', { hasText: 'WHISPER_SERVICE_URL' })
      .filter({ hasText: 'The whisper backend is down' })
      .waitFor();
    await page.locator('#transcription [data-role="backend-state"][data-state="down"]').waitFor();
    await page.locator('#translation [data-role="notice"]', { hasText: 'TRANSLATION_SERVICE_URL' }).waitFor();
    await page.locator('#languages-note', { hasText: 'Showing the default language list' }).waitFor();
    const targets = await page.locator('#translate-form select[name="target_lang"] option').allTextContents();
    expect(targets).toEqual([
      'English (en)',
      'Spanish (es)',
      'French (fr)',
      'German (de)',
      'Italian (it)',
      'Portuguese (pt)',
      'Russian (ru)',
      'Japanese (ja)',
      'Korean (ko)',
      'Chinese (zh)',
    ]);
    expect(watched.errors).toEqual([]);
  });

  it('says the live connection is lost, and that it reconnects by itself, when the orchestrator goes away', async () => {
    const { page } = await browser.open(`${app.url}/`);
    await page.locator('#connection-indicator[data-state="connected"]').waitFor({ timeout: 10000 });
    appClosed = true;
    await app.close();
    await page.locator('#connection-indicator[data-state="disconnected"]').waitFor({ timeout: 10000 });
    await page
      .locator('#connection-banner', { hasText: 'The live connection to the orchestrator is lost' })
      .filter({ hasText: 'reconnect automatically' })
      .waitFor();
    await page.locator('#translate-form button[type="submit"]:disabled').waitFor();
  });
});
