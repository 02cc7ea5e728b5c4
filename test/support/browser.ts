import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** A page under observation: what the console said and which hosts it talked to. */
export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions, as text. */
  errors: string[];
  /** Every request URL whose host is not loopback. */
  externalRequests: string[];
}

export interface TestBrowser {
  open(url: string, viewport?: { width: number; height: number }): Promise<WatchedPage>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface BrowserOptions {
  /** Chromium's built-in fake microphone (a periodic beep), granted without a prompt. */
  fakeMicrophone?: boolean;
  /** A WAV file the fake microphone plays once, from the moment the page opens it (implies fakeMicrophone). */
  microphoneFile?: string;
  /** The microphone exists but the user refuses it (every permission prompt is answered with Block). */
  denyMicrophone?: boolean;
}

function browserArgs(options: BrowserOptions): string[] {
  const args = [...ARGS];
  if (options.fakeMicrophone || options.microphoneFile || options.denyMicrophone)
    args.push('--use-fake-device-for-media-stream');
  if (options.denyMicrophone) args.push('--deny-permission-prompts');
  else if (options.fakeMicrophone || options.microphoneFile) args.push('--use-fake-ui-for-media-stream');
  // %noloop: played once, then silence, so a test hears each word exactly once.
  if (options.microphoneFile) args.push(`--use-file-for-fake-audio-capture=${options.microphoneFile}%noloop`);
  return args;
}

/** Chromium with a fresh profile directory, removed again on close. */
export async function launchBrowser(options: BrowserOptions = {}): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'lt-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: browserArgs(options),
    // The clipboard too, so a test can read back what a Copy button wrote.
    permissions: [
      'clipboard-read',
      'clipboard-write',
      ...((options.fakeMicrophone || options.microphoneFile) && !options.denyMicrophone
        ? ['microphone']
        : []),
    ],
    viewport: { width: 1400, height: 900 },
  });
  return {
    async open(url, viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      const watched: WatchedPage = { page, errors: [], externalRequests: [] };
      page.on('console', (message) => {
        if (message.type() === 'error') watched.errors.push(message.text());
      });
      page.on('pageerror', (error) => watched.errors.push(error.message));
      const note = (url: string): void => {
        const { protocol, hostname } = new URL(url);
        if (['http:', 'https:', 'ws:', 'wss:'].includes(protocol) && !LOOPBACK.has(hostname))
          watched.externalRequests.push(url);
      };
      page.on('request', (request) => note(request.url()));
      // WebSockets are not "requests" to Playwright.
      page.on('websocket', (socket) => note(socket.url()));
      await page.goto(url);
      return watched;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Runs `run` with a browser of its own, closed afterwards whatever happens. */
export async function withBrowser<T>(
  options: BrowserOptions,
  run: (browser: TestBrowser) => Promise<T>,
): Promise<T> {
  const browser = await launchBrowser(options);
  try {
    return await run(browser);
  } finally {
    await browser.close();
  }
}

const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

/**
 * Where a test saves a screenshot: docs/screenshots when UPDATE_SCREENSHOTS=1 (to refresh the documented
 * views), otherwise a temporary directory, so an ordinary test run leaves the working tree unchanged.
 */
export function screenshotPath(name: string): string {
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(SCREENSHOTS, { recursive: true });
    return join(SCREENSHOTS, name);
  }
  const dir = join(tmpdir(), 'livetranslate-screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
