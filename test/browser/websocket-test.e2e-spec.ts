import type { RunningApp } from '../support/app-harness';
import { screenshotPath, type TestBrowser } from '../support/browser';
import { startDashboardStack, type DashboardStack } from '../support/dashboard-stack';

describe('/websocket-test in a browser', () => {
  let app: RunningApp;
  let browser: TestBrowser;
  let stack: DashboardStack;

  beforeAll(async () => {
    stack = await startDashboardStack();
    ({ app, browser } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('round-trips a heartbeat and a translation, showing the replies and the acknowledgements', async () => {
    const watched = await browser.open(`${app.url}/websocket-test`);
    const { page } = watched;
    page.setDefaultTimeout(10000);
    await page.locator('#connection-indicator[data-state="connected"]').waitFor();
    const messages = page.locator('#messages');
    await messages.locator('li[data-event="connected"]').waitFor();

    await page.getByRole('button', { name: 'Send heartbeat' }).click();
    await messages
      .locator('li[data-dir="in"][data-event="heartbeat_ack"]', { hasText: 'timestamp' })
      .waitFor();
    await messages
      .locator('li[data-dir="ack"][data-event="service_message"]', { hasText: 'timestamp' })
      .waitFor();

    // An edited payload is what gets sent.
    await page.locator('#payload-translation_stream').fill(
      JSON.stringify({
        text: 'Good morning',
        source_lang: 'en',
        target_lang: 'es',
        request_id: 'edited-1',
      }),
    );
    await page.getByRole('button', { name: 'Send translation_stream' }).click();
    await messages
      .locator('li[data-dir="ack"][data-event="translation_stream"]', { hasText: 'edited-1' })
      .filter({ hasText: 'Buenos' })
      .waitFor({ timeout: 15000 });

    // Malformed JSON is refused on the page, not sent.
    await page.locator('#payload-heartbeat').fill('{ not json');
    await page.getByRole('button', { name: 'Send heartbeat' }).click();
    await messages.locator('li', { hasText: 'invalid JSON (not sent)' }).waitFor();

    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: screenshotPath('websocket-test.png') });
    expect(watched.errors).toEqual([]);
    expect(watched.externalRequests).toEqual([]);
  });
});
