import { createServer, type Server } from 'node:http';
import {
  ensureBuiltApp,
  killBuiltApp,
  spawnBuiltApp,
  waitUntilLive,
  type BuiltAppProcess,
} from '../support/built-app';
import { startApp, type RunningApp } from '../support/app-harness';
import { freePort } from '../support/free-port';
import { delay } from '../support/load-loop';
import { startRedis, type ExternalService } from '../support/test-services';
import { finishedJob, pipelineConfigFile, spokenWav, submitWav } from '../pipeline/pipeline-harness';

const BACKEND_DELAY_MS = 1500;

/** A backend whose /slow and /transcribe answer only after BACKEND_DELAY_MS; its health probe at once. */
async function startSlowBackend(): Promise<{ url: string; server: Server }> {
  const port = await freePort();
  const server = createServer((request, response) => {
    // Drains a multipart upload before answering, as a real engine reads the file first.
    request.resume();
    const answer = (): void => {
      response.writeHead(200, { 'content-type': 'application/json' });
      // Doubles as the platform whisper service's transcription answer (CONTRACTS §5) for the pipeline.
      response.end(
        JSON.stringify({ path: request.url, text: 'Good morning, my friend', language: 'en', segments: [] }),
      );
    };
    if (request.url?.startsWith('/slow') || request.url?.startsWith('/transcribe'))
      setTimeout(answer, BACKEND_DELAY_MS);
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

describe('fault: SIGTERM with pipeline jobs queued (built app, Redis)', () => {
  beforeAll(() => ensureBuiltApp(), 240_000);

  let backend: { url: string; server: Server };
  let redis: ExternalService;
  let app: BuiltAppProcess | undefined;
  let successor: RunningApp | undefined;
  let env: Record<string, string>;
  beforeAll(async () => {
    backend = await startSlowBackend();
    redis = await startRedis('sigterm-jobs');
    env = {
      REDIS_URL: redis.url,
      WHISPER_SERVICE_URL: backend.url,
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL ?? '',
      TRANSLATION_SERVICE_KIND: 'apertium',
      HEALTH_CHECK_INTERVAL: '3600',
      RATE_LIMIT_PROXY: '0',
      // One job at a time and a short stall check: most jobs are still queued when SIGTERM arrives.
      CONFIG_FILE: pipelineConfigFile({ concurrency: 1, lock_duration_ms: 1000, stalled_interval_ms: 500 }),
    };
  });
  afterAll(async () => {
    if (app) await killBuiltApp(app);
    await successor?.close();
    backend.server.closeAllConnections();
    await new Promise((resolve) => backend.server.close(resolve));
    await redis.stop();
  });

  it('exits 0, and the jobs it had not finished are completed by the next instance', async () => {
    app = await spawnBuiltApp(env);
    await waitUntilLive(app);
    const jobIds: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const submitted = await submitWav(app.url, spokenWav(), { session_id: 'sigterm-jobs', language: 'en' });
      expect(submitted.status).toBe(202);
      jobIds.push(submitted.body.job_id);
    }
    await delay(300);
    const signalledAt = performance.now();
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    // It left long before it could have run all five (1.5 s each): jobs were still queued in Redis.
    expect(performance.now() - signalledAt).toBeLessThan(BACKEND_DELAY_MS * 3);

    successor = await startApp(env);
    for (const id of jobIds) {
      const job = (await finishedJob(successor.url, id, 40_000)) as {
        state: string;
        result: { transcript: { text: string } };
      };
      expect(job.state).toBe('completed');
      expect(job.result.transcript.text).toBe('Good morning, my friend');
    }
  }, 90_000);
});
