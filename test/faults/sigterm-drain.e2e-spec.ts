import { createServer, type Server } from 'node:http';
import {
  ensureBuiltApp,
  killBuiltApp,
  spawnBuiltApp,
  waitUntilLive,
  type BuiltAppProcess,
} from '../support/built-app';
import { freePort } from '../support/free-port';
import { delay } from '../support/load-loop';

const BACKEND_DELAY_MS = 1500;

/** A backend whose /slow answers only after BACKEND_DELAY_MS; its health probe answers at once. */
async function startSlowBackend(): Promise<{ url: string; server: Server }> {
  const port = await freePort();
  const server = createServer((request, response) => {
    const answer = (): void => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ path: request.url }));
    };
    if (request.url?.startsWith('/slow')) setTimeout(answer, BACKEND_DELAY_MS);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, server };
}

describe('fault: SIGTERM under load (built app)', () => {
  beforeAll(() => ensureBuiltApp(), 240_000);

  let backend: { url: string; server: Server };
  let app: BuiltAppProcess;
  beforeAll(async () => {
    backend = await startSlowBackend();
    app = await spawnBuiltApp({
      WHISPER_SERVICE_URL: backend.url,
      GATEWAY_TIMEOUT: '5',
      HEALTH_CHECK_INTERVAL: '3600',
      RATE_LIMIT_PROXY: '0',
    });
    await waitUntilLive(app);
  });
  afterAll(async () => {
    await killBuiltApp(app);
    backend.server.closeAllConnections();
    await new Promise((resolve) => backend.server.close(resolve));
  });

  it('completes the requests in flight, refuses new ones, and exits 0', async () => {
    const inFlight = Array.from({ length: 6 }, (_, i) =>
      fetch(`${app.url}/api/whisper/slow?n=${i}`, { signal: AbortSignal.timeout(10_000) }).then(
        async (response) => ({ status: response.status, body: (await response.json()) as { path?: string } }),
        (error: Error) => ({ status: 0, body: { path: error.name } }),
      ),
    );
    await delay(400);
    const signalledAt = performance.now();
    app.child.kill('SIGTERM');
    await delay(200);
    const late = await fetch(`${app.url}/api/whisper/slow?late`, { signal: AbortSignal.timeout(3000) }).then(
      (response) => response.status,
      () => 0,
    );

    const answers = await Promise.all(inFlight);
    const code = await app.exited;
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.map((a) => a.body.path)).toEqual(Array.from({ length: 6 }, (_, i) => `/slow?n=${i}`));
    // After SIGTERM the server takes nothing new: connection refused (0) or 503 while closing.
    expect([0, 503]).toContain(late);
    expect(code).toBe(0);
    // It drained and left rather than waiting out the whole grace period (10 s).
    expect(performance.now() - signalledAt).toBeLessThan(BACKEND_DELAY_MS + 5000);
  });
});
