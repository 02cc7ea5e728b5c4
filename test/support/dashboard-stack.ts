import { startApp, type RunningApp } from './app-harness';
import { launchBrowser, type BrowserOptions, type TestBrowser } from './browser';
import type { FakeEngineServer } from './fake-engine-server';
import { startFakeSpeaker, startFakeWhisper } from './livetranslate-fakes';

/** What the dashboard's browser tests run against. */
export interface DashboardStack {
  whisper: FakeEngineServer;
  speaker: FakeEngineServer;
  app: RunningApp;
  browser: TestBrowser;
  close(): Promise<void>;
}

/**
 * The orchestrator with loopback fakes of the platform's whisper and speaker services, the real Apertium
 * server as translation engine (started by jest's global setup), and a Chromium to drive it. `env` adds to
 * or overrides the orchestrator's settings.
 */
export async function startDashboardStack(
  options: { browser?: BrowserOptions; env?: Record<string, string> } = {},
): Promise<DashboardStack> {
  const [whisper, speaker, browser] = await Promise.all([
    startFakeWhisper(),
    startFakeSpeaker(),
    launchBrowser(options.browser),
  ]);
  const app = await startApp({
    WHISPER_SERVICE_URL: whisper.url,
    SPEAKER_SERVICE_URL: speaker.url,
    TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
    TRANSLATION_SERVICE_KIND: 'apertium',
    ...options.env,
  });
  return {
    whisper,
    speaker,
    app,
    browser,
    close: async () => {
      await browser.close();
      await app.close();
      await Promise.all([whisper.close(), speaker.close()]);
    },
  };
}
