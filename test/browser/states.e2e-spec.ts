import { startApp, type RunningApp } from '../support/app-harness';
import { launchBrowser, type TestBrowser } from '../support/browser';
import type { FakeEngineServer } from '../support/fake-engine-server';
import { freePort } from '../support/free-port';
import { startFakeWhisper } from '../support/livetranslate-fakes';
import { tone } from '../support/wav';

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

describe('dashboard on a server that needs an API key for the pipeline', () => {
  let whisper: FakeEngineServer;
  let app: RunningApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    [whisper, browser] = await Promise.all([startFakeWhisper(), launchBrowser()]);
    app = await startApp({
      API_KEYS: 'dashboard-test-key',
      WHISPER_SERVICE_URL: whisper.url,
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await whisper?.close();
  });

  it('asks for the key when an upload is refused, and sends the file again with it', async () => {
    const watched = await browser.open(`${app.url}/`);
    const { page } = watched;
    page.setDefaultTimeout(10000);
    await page.locator('#upload-form input[type="file"]').setInputFiles({
      name: 'speech.wav',
      mimeType: 'audio/wav',
      buffer: tone(1, 0.5),
    });
    await page.getByRole('button', { name: 'Transcribe file' }).click();
    await page.locator('#upload-form output[name="job-state"]', { hasText: 'Upload failed' }).waitFor();

    // The live connection asks in its banner too; the key given beside the upload serves both.
    const transcription = page.locator('#transcription');
    await transcription.getByLabel('API key').fill('dashboard-test-key');
    await transcription.getByRole('button', { name: 'Use this key' }).click();
    await page.locator('#upload-form output[name="job-state"]', { hasText: 'Done: speech.wav' }).waitFor();
    await page.locator('#transcript', { hasText: 'Hello world.' }).waitFor();
    await page.locator('#connection-indicator[data-state="connected"]').waitFor();
    expect(whisper.requests.some((request) => request.path.startsWith('/transcribe'))).toBe(true);
  });
});

describe('dashboard on a server that needs an API key', () => {
  let app: RunningApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp({ API_KEYS: 'dashboard-test-key' }), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('asks for the key when the handshake is refused, and goes live once it is given', async () => {
    const watched = await browser.open(`${app.url}/`);
    const { page } = watched;
    page.setDefaultTimeout(10000);
    await page
      .locator('#connection-indicator[data-state="unauthorized"]', { hasText: 'API key needed' })
      .waitFor();
    await page.locator('#connection-banner', { hasText: 'needs an API key' }).waitFor();

    await page.getByLabel('API key').fill('wrong-key');
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.locator('#connection-banner', { hasText: 'not valid' }).waitFor();

    await page.getByLabel('API key').fill('dashboard-test-key');
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.locator('#connection-indicator[data-state="connected"]').waitFor();
    await page.locator('#connection-banner').waitFor({ state: 'hidden' });
    expect(watched.externalRequests).toEqual([]);
  });
});
