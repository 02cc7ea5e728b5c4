import { Redis } from 'ioredis';
import request from 'supertest';
import { PIPELINE_STATE } from '../../libs/pipeline/src/pipeline.tokens';
import type { PipelineState } from '../../libs/pipeline/src/state/pipeline-state';
import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { statusOf } from '../health/monitor-api';
import { scrape } from '../support/prometheus-scrape';
import { connectClient, emitWithAck, nextEvent } from '../support/socket-client';
import { tone } from '../support/wav';
import { startFakeEngine, type FakeEngineServer, type FakeHandler } from '../support/fake-engine-server';
import {
  finishedJob,
  livetranslateWhisperReply,
  pipelineConfigFile,
  spokenWav,
  startFakeWhisper,
  submitWav,
} from './pipeline-harness';

/** The platform's speaker service as CONTRACTS §5 documents it. */
const speakerReply: FakeHandler = (r) =>
  r.path === '/health'
    ? { json: { status: 'healthy' } }
    : r.path === '/diarize' && r.fields.has('file')
      ? { json: { speakers: [{ speaker_id: 0, start: 0, end: 0.8 }] } }
      : { status: 404, json: { error: 'Not Found' } };

/**
 * What the pipeline lets go of, run once per driver: `redisUrl` undefined means in-process. The state store
 * is read directly (PIPELINE_STATE, and the Redis key itself) because "the audio is gone" is not visible
 * through the API.
 */
export function describeHeldMemory(driver: string, redisUrl: () => Promise<string | undefined>): void {
  describe(`memory held by the pipeline (${driver} driver)`, () => {
    let whisper: FakeEngineServer;
    let speaker: FakeEngineServer;
    let running: RunningApp;
    let url: string | undefined;
    let state: PipelineState;

    beforeAll(async () => {
      url = await redisUrl();
      whisper = await startFakeWhisper();
      speaker = await startFakeEngine(speakerReply);
      running = await startApp({
        REDIS_URL: url,
        CONFIG_FILE: pipelineConfigFile(
          { backoff_ms: 20, attempts: 2, concurrency: 4 },
          'gateway:\n  retries: 0\n  circuit_breaker_threshold: 1000',
        ),
        WHISPER_SERVICE_URL: whisper.url,
        SPEAKER_SERVICE_URL: speaker.url,
        TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
        TRANSLATION_SERVICE_KIND: 'apertium',
      });
      state = running.app.get<PipelineState>(PIPELINE_STATE);
    });
    afterAll(async () => {
      await running.close();
      await whisper.close();
      await speaker.close();
    });
    afterEach(() => {
      whisper.handle((r) => livetranslateWhisperReply(r, 'Good morning, my friend'));
      speaker.handle(speakerReply);
    });

    /** The audio as the state store holds it: through the driver's state, and the Redis key itself. */
    async function storedAudio(jobId: string): Promise<{ state: boolean; redisKey: boolean | null }> {
      const held = (await state.audio(jobId)) !== undefined;
      if (!url) return { state: held, redisKey: null };
      const client = new Redis(url);
      try {
        return { state: held, redisKey: (await client.exists(`lt:pipeline:audio:${jobId}`)) === 1 };
      } finally {
        client.disconnect();
      }
    }

    it('lets go of the audio of a job whose transcription finally failed, keeping its record and error', async () => {
      // Only the work fails: the health monitor must not see the engine down (it would refuse the job).
      whisper.handle((r) =>
        r.path.startsWith('/transcribe')
          ? { status: 500, json: { error: 'CUDA out of memory' } }
          : livetranslateWhisperReply(r, ''),
      );
      const submitted = await submitWav(running.url, spokenWav(), {
        session_id: `${driver}-failed-audio`,
        target_languages: 'es',
        diarize: 'true',
      });
      expect(submitted.status).toBe(202);
      const job = await finishedJob(running.url, submitted.body.job_id);
      expect(job.state).toBe('failed');
      expect(job.stages.transcription).toMatchObject({ state: 'failed', attempts: 2 });
      expect(job.error).toContain('CUDA out of memory');
      expect(await storedAudio(submitted.body.job_id)).toEqual({
        state: false,
        redisKey: url ? false : null,
      });
    });

    it('lets go of the audio when diarization finally fails after a transcript', async () => {
      speaker.handle((r) =>
        r.path === '/diarize' ? { status: 500, json: { error: 'speaker model crashed' } } : speakerReply(r),
      );
      const submitted = await submitWav(running.url, spokenWav(), {
        session_id: `${driver}-failed-diarization`,
        target_languages: '',
        diarize: 'true',
      });
      const job = await finishedJob(running.url, submitted.body.job_id);
      expect(job.stages.transcription.state).toBe('completed');
      expect(job.stages.diarization).toMatchObject({ state: 'failed', attempts: 2 });
      expect(await storedAudio(submitted.body.job_id)).toEqual({
        state: false,
        redisKey: url ? false : null,
      });
    });
  });

  describe(`admission in time (${driver} driver)`, () => {
    let whisper: FakeEngineServer;
    let running: RunningApp;
    let config: { path: string; remove(): void };
    let engineDown = false;
    const adminToken = 'admission-admin-token';

    /** Health checks and work both fail while the engine is down, as with a crashed model server. */
    const whisperReply: FakeHandler = (r) =>
      engineDown
        ? { status: 503, json: { error: 'model not loaded' } }
        : livetranslateWhisperReply(r, 'Good morning, my friend');

    beforeAll(async () => {
      whisper = await startFakeEngine(whisperReply);
      config = writeConfigFile({
        // A failed attempt waits 5 s for its retry: the queue keeps a job while the engine is down.
        pipeline: {
          attempts: 2,
          backoff_ms: 5000,
          admission_queue_depth: 0,
          admission_queue_age_seconds: 60,
        },
        monitoring: { health_check_interval: 0.25, health_check_timeout: 0.2 },
        gateway: { retries: 0, circuit_breaker_threshold: 1000 },
        rate_limit: { proxy: 0, api: 0 },
      });
      running = await startApp({
        REDIS_URL: await redisUrl(),
        ADMIN_TOKEN: adminToken,
        CONFIG_FILE: config.path,
        WHISPER_SERVICE_URL: whisper.url,
        TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
        TRANSLATION_SERVICE_KIND: 'apertium',
      });
    });
    afterAll(async () => {
      engineDown = false;
      await running.close();
      await whisper.close();
      config.remove();
    });

    /** Until the monitor has marked the engine (its one instance) `status`. */
    const untilWhisper = (status: 'up' | 'down') => statusOf(running.url, 'whisper', 'whisper-0', status);

    /** Marks the engine down and waits until the monitor has seen it; fields of a session's chunks. */
    async function downFor(session: string): Promise<(chunk: string) => Record<string, string>> {
      engineDown = true;
      await untilWhisper('down');
      return (chunk) => ({ session_id: `${driver}-${session}`, chunk_id: chunk, target_languages: '' });
    }

    it('refuses new jobs with 503 BACKEND_UNAVAILABLE while the engine is down with a backlog, on REST and Socket.IO, and accepts again once it recovers', async () => {
      const fields = await downFor('admission');

      // The queue is empty: a short outage costs nothing, the job is accepted and waits for its retry.
      const first = await submitWav(running.url, spokenWav(), fields('a'));
      expect(first.status).toBe(202);

      // Now the stage holds a job that can only fail: new ones are refused at once.
      const refused = await request(running.url)
        .post('/api/pipeline/jobs')
        .attach('file', spokenWav(), { filename: 'chunk.wav', contentType: 'audio/wav' })
        .field(fields('b'));
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.body.error).toMatchObject({
        code: 'BACKEND_UNAVAILABLE',
        service: 'whisper',
        retry_after_seconds: 1,
      });

      const { socket } = await connectClient(running.url);
      try {
        const errorEvent = nextEvent(socket, 'error');
        const ack = await emitWithAck<{ ok: boolean; error: Record<string, unknown> }>(
          socket,
          'transcription_stream',
          { audio_data: spokenWav(), format: 'wav', chunk_id: 'socket-b', target_languages: [] },
        );
        expect(ack).toMatchObject({
          ok: false,
          error: { code: 'BACKEND_UNAVAILABLE', event: 'transcription_stream' },
        });
        expect(await errorEvent).toMatchObject({
          code: 'BACKEND_UNAVAILABLE',
          event: 'transcription_stream',
          retry_after_seconds: 1,
        });

        engineDown = false;
        await untilWhisper('up');
        // Another session: not queued behind the first chunk's retry.
        const accepted = await submitWav(running.url, spokenWav(), {
          ...fields('c'),
          session_id: `${driver}-after`,
        });
        expect(accepted.status).toBe(202);
        expect((await finishedJob(running.url, accepted.body.job_id)).state).toBe('completed');
        const streamed = await emitWithAck<{ text?: string }>(socket, 'transcription_stream', {
          audio_data: spokenWav(),
          format: 'wav',
          chunk_id: 'socket-c',
          target_languages: [],
        });
        expect(streamed).toMatchObject({ text: 'Good morning, my friend' });
      } finally {
        socket.close();
      }
      const metrics = await scrape(running.url);
      expect(
        metrics.value('orchestration_pipeline_jobs_refused_total', { code: 'BACKEND_UNAVAILABLE' }),
      ).toBe(2);
    });

    it('refuses every new job once one has finally failed while the engine is down, however short the queue, and accepts again once it recovers', async () => {
      // A queue limit no outage reaches here, and no retry: a job fails as soon as it runs.
      await request(running.url)
        .post('/api/config')
        .set({ Authorization: `Bearer ${adminToken}` })
        .send({ pipeline: { attempts: 1, admission_queue_depth: 100, admission_queue_age_seconds: 600 } })
        .expect(200);
      const fields = await downFor('fails-while-down');

      const first = await submitWav(running.url, spokenWav(), fields('a'));
      expect(first.status).toBe(202);
      expect((await finishedJob(running.url, first.body.job_id)).state).toBe('failed');

      // The queue is empty again, but its jobs can only fail while the engine is down.
      const refused = await submitWav(running.url, spokenWav(), fields('b'));
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatchObject({ code: 'BACKEND_UNAVAILABLE', service: 'whisper' });
      expect(refused.body.error?.message).toContain('transcription jobs fail');

      engineDown = false;
      await untilWhisper('up');
      const accepted = await submitWav(running.url, spokenWav(), fields('c'));
      expect(accepted.status).toBe(202);
      expect((await finishedJob(running.url, accepted.body.job_id)).state).toBe('completed');
    });
  });

  describe(`byte budget (${driver} driver)`, () => {
    let whisper: FakeEngineServer;
    let running: RunningApp;
    const adminToken = 'budget-admin-token';
    /** A long transcript makes each finished record about 40 KB, so a few dozen fill a small budget. */
    const longText = 'word '.repeat(8000);
    /** Lets the engine answer the calls it holds (the test holds jobs in flight). */
    let releaseEngine = () => undefined as void;

    beforeAll(async () => {
      whisper = await startFakeWhisper(longText);
      running = await startApp({
        REDIS_URL: await redisUrl(),
        ADMIN_TOKEN: adminToken,
        CONFIG_FILE: pipelineConfigFile({ backoff_ms: 20, attempts: 1, concurrency: 4 }),
        WHISPER_SERVICE_URL: whisper.url,
      });
    });
    afterAll(async () => {
      releaseEngine();
      await running.close();
      await whisper.close();
    });

    it('evicts the oldest finished records near the budget and refuses new jobs with 503 PIPELINE_FULL at it', async () => {
      // The budget counts what the store holds: in Redis that starts with what Redis already uses.
      const before = await scrape(running.url);
      const budget = before.value('orchestration_pipeline_held_bytes') + 2_000_000;
      await request(running.url)
        .post('/api/config')
        .set({ Authorization: `Bearer ${adminToken}` })
        .send({ pipeline: { max_held_bytes: budget } })
        .expect(200);

      // Finished jobs, one after the other: about 40 KB each, 60 of them are beyond the budget.
      const finished: string[] = [];
      for (let i = 0; i < 60; i++) {
        const submitted = await submitWav(running.url, tone(0.2, 0.3), { target_languages: '' });
        expect(submitted.status).toBe(202);
        await finishedJob(running.url, submitted.body.job_id);
        finished.push(submitted.body.job_id);
      }
      const statuses = await Promise.all(
        finished.map(async (id) => (await request(running.url).get(`/api/pipeline/jobs/${id}`)).status),
      );
      // The oldest went first: every evicted job is older than every kept one.
      const firstKept = statuses.indexOf(200);
      expect(firstKept).toBeGreaterThan(0);
      expect(statuses.slice(0, firstKept).every((s) => s === 404)).toBe(true);
      expect(statuses.slice(firstKept).every((s) => s === 200)).toBe(true);
      const afterEviction = await scrape(running.url);
      expect(afterEviction.value('orchestration_pipeline_records_evicted_total')).toBe(firstKept);
      expect(afterEviction.value('orchestration_pipeline_held_bytes')).toBeLessThanOrEqual(budget);
      expect(afterEviction.value('orchestration_pipeline_max_held_bytes')).toBe(budget);

      // Jobs in flight are never evicted: with the engine holding them, large uploads fill the budget.
      const released = new Promise<void>((resolve) => (releaseEngine = resolve));
      whisper.handle(async (r) => {
        if (r.path.startsWith('/transcribe')) await released;
        return livetranslateWhisperReply(r, 'held');
      });
      let refused: request.Response | undefined;
      for (let i = 0; i < 40 && !refused; i++) {
        const response = await request(running.url)
          .post('/api/pipeline/jobs')
          .attach('file', tone(6, 0.3), { filename: 'chunk.wav', contentType: 'audio/wav' })
          .field({ target_languages: '' });
        if (response.status === 503) refused = response;
        else expect(response.status).toBe(202);
      }
      expect(refused?.headers['retry-after']).toBe('5');
      expect(refused?.body.error).toMatchObject({ code: 'PIPELINE_FULL', retry_after_seconds: 5 });
      const full = await scrape(running.url);
      expect(full.value('orchestration_pipeline_jobs_refused_total', { code: 'PIPELINE_FULL' })).toBe(1);
    });
  });
}
