import { io, type Socket } from 'socket.io-client';
import { startApp, type RunningApp } from '../support/app-harness';
import type { FakeEngineServer } from '../support/fake-engine-server';
import { startPipelineWorker, type WorkerProcess } from '../support/pipeline-worker-process';
import { startRedis, type ExternalService } from '../support/test-services';
import {
  finishedJob,
  livetranslateWhisperReply,
  pipelineConfigFile,
  spokenWav,
  startFakeWhisper,
  submitWav,
} from './pipeline-harness';

/**
 * apps/pipeline-worker as separate processes on a real Redis: the orchestrator only queues (run workers in
 * process: false); a worker killed with SIGKILL in the middle of a transcription leaves the job to another
 * worker through BullMQ's stalled-job recovery, and results reach Socket.IO clients through the emitter.
 */
describe('pipeline worker processes (BullMQ)', () => {
  let redis: ExternalService;
  let whisper: FakeEngineServer;
  let running: RunningApp;
  let env: Record<string, string | undefined>;
  const workers: WorkerProcess[] = [];
  let socket: Socket | undefined;

  beforeAll(async () => {
    redis = await startRedis('pipeline-worker');
    whisper = await startFakeWhisper();
    env = {
      REDIS_URL: redis.url,
      // A dead worker's job is recovered after about a second instead of the production 30 s.
      CONFIG_FILE: pipelineConfigFile({
        run_workers_in_process: false,
        lock_duration_ms: 1000,
        stalled_interval_ms: 500,
        backoff_ms: 50,
      }),
      WHISPER_SERVICE_URL: whisper.url,
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
    };
    running = await startApp(env);
  });

  afterAll(async () => {
    socket?.disconnect();
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await running?.close();
    await whisper?.close();
    await redis?.stop();
  });

  it('refuses to start without REDIS_URL and says why', async () => {
    const worker = startPipelineWorker({ ...env, REDIS_URL: undefined });
    workers.push(worker);
    expect(await worker.exited()).toBe(1);
    expect(worker.output()).toContain('pipeline-worker needs REDIS_URL');
  }, 90_000);

  it('finishes a job whose worker was killed with SIGKILL mid-transcription, on another worker', async () => {
    const session = 'worker-kill';
    socket = io(running.url, { transports: ['websocket'] });
    await new Promise<void>((resolve) => socket!.once('connected', () => resolve()));
    await new Promise<void>((resolve) => {
      socket!.once('session_joined', () => resolve());
      socket!.emit('service_message', { type: 'join_session', session_id: session });
    });
    const results: Record<string, unknown>[] = [];
    socket.on('transcription_result', (payload: Record<string, unknown>) => results.push(payload));
    const translated = new Promise<Record<string, unknown>>((resolve) =>
      socket!.once('translation_result', resolve),
    );

    // The first transcription hangs, so the first worker is surely mid-job when it dies.
    let calls = 0;
    whisper.handle((r) => {
      const reply = livetranslateWhisperReply(r, 'Good morning, my friend');
      return r.path.startsWith('/transcribe') && calls++ === 0 ? { ...reply, delayMs: 20_000 } : reply;
    });

    const first = startPipelineWorker(env);
    workers.push(first);
    await first.ready();
    // An application context without an HTTP server: no Fastify, no proxy or API routes mapped.
    expect(first.output()).not.toMatch(/RoutesResolver|Mapped \{/);
    const submitted = await submitWav(running.url, spokenWav(), {
      session_id: session,
      target_languages: 'es',
    });
    expect(submitted.status).toBe(202);
    const deadline = Date.now() + 20_000;
    while (calls === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(1);
    await first.kill('SIGKILL');

    const second = startPipelineWorker(env);
    workers.push(second);
    await second.ready();
    const job = await finishedJob(running.url, submitted.body.job_id, 30_000);
    expect(job).toMatchObject({ state: 'completed', error: null });
    expect(job.result.translations.es.translated_text).toBe('Buenos días, mi amigo');
    expect(calls).toBe(2);

    // Published by the second worker through the Socket.IO Redis emitter, received via the orchestrator.
    expect((await translated).translated_text).toBe('Buenos días, mi amigo');
    expect(results).toEqual([
      expect.objectContaining({ chunk_id: job.chunk_id, text: 'Good morning, my friend' }),
    ]);
  }, 150_000);

  it('keeps queued jobs across an orchestrator restart while no worker runs', async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    const submitted = await submitWav(running.url, spokenWav(), {
      session_id: 'restart',
      target_languages: 'es',
    });
    expect(submitted.status).toBe(202);
    await running.close();
    running = await startApp(env);
    const waiting = await finishedJob(running.url, submitted.body.job_id, 1_000).catch(() => undefined);
    expect(waiting).toBeUndefined();
    await running.close();
    // The same queue, now with the orchestrator running the stages itself.
    running = await startApp({ ...env, CONFIG_FILE: pipelineConfigFile({ run_workers_in_process: true }) });
    const job = await finishedJob(running.url, submitted.body.job_id);
    expect(job).toMatchObject({ state: 'completed', error: null });
    expect(job.result.translations.es.translated_text).toBe('Buenos días, mi amigo');
  }, 60_000);
});
