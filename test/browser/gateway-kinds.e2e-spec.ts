import { startApp, type RunningApp } from '../support/app-harness';
import { launchBrowser, type TestBrowser } from '../support/browser';
import { writeConfigFile } from '../support/config-file';
import { startFakeEngine, type FakeEngineServer } from '../support/fake-engine-server';

/** The dashboard's gateway panel over a pool that mixes engine kinds (issue #18). */
describe('dashboard gateway panel with a mixed pool', () => {
  let openai: FakeEngineServer;
  let whisperCpp: FakeEngineServer;
  let app: RunningApp;
  let browser: TestBrowser;
  // Pushes every second, so the panel fills within the test.
  const config = writeConfigFile({ websocket: { update_interval: 1 } });

  beforeAll(async () => {
    [openai, whisperCpp, browser] = await Promise.all([
      startFakeEngine(() => ({ json: { object: 'list', data: [] } })),
      startFakeEngine(() => ({ json: { status: 'ok' } })),
      launchBrowser(),
    ]);
    app = await startApp({
      WHISPER_SERVICE_URL: `openai=${openai.url}|2,whisper-cpp=${whisperCpp.url}|1`,
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
      CONFIG_FILE: config.path,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await Promise.all([openai?.close(), whisperCpp?.close()]);
    config.remove();
  });

  it("names the pool's kinds on the service row and each instance's kind on its row", async () => {
    const { page, errors } = await browser.open(`${app.url}/`);
    page.setDefaultTimeout(10000);
    const table = page.locator('#gateway-table tbody');
    await table.locator('tr.service-row', { hasText: 'whisper (openai, whisper-cpp)' }).waitFor();
    await table.locator('tr[data-kind="openai"]', { hasText: 'whisper-0' }).waitFor();
    await table.locator('tr[data-kind="whisper-cpp"]', { hasText: 'whisper-1' }).waitFor();
    expect(await table.locator('tr[data-kind="whisper-cpp"] .kind').textContent()).toBe('whisper-cpp');
    await table.locator('tr.service-row', { hasText: 'translation (apertium)' }).waitFor();
    expect(errors).toEqual([]);
  });
});
