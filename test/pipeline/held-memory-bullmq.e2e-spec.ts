import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';
import { PipelineStage, STAGE_JOB_NAME } from '../../libs/pipeline/src/pipeline-names';
import { startApp, type RunningApp } from '../support/app-harness';
import type { FakeEngineServer } from '../support/fake-engine-server';
import { eventually } from '../support/eventually';
import { startRedis, type ExternalService } from '../support/test-services';
import { describeHeldMemory } from './held-memory-suite';
import {
  finishedJob,
  livetranslateWhisperReply,
  pipelineConfigFile,
  spokenWav,
  startFakeWhisper,
  submitWav,
} from './pipeline-harness';

/** A fresh Redis for each block of the shared suite that asks for one; all stopped after the file. */
const started: ExternalService[] = [];

describeHeldMemory('bullmq', async () => {
  const redis = await startRedis('held-memory-bullmq');
  started.push(redis);
  return redis.url;
});

afterAll(() => Promise.all(started.map((redis) => redis.stop())));

describe('finished BullMQ jobs', () => {
  const KEPT = 3;
  let store: ExternalService;
  let whisper: FakeEngineServer;
  let running: RunningApp;
  let connection: Redis;
  let queues: Record<'transcription' | 'translation', Queue>;

  beforeAll(async () => {
    store = await startRedis('held-memory-bullmq-finished');
    whisper = await startFakeWhisper();
    running = await startApp({
      REDIS_URL: store.url,
      CONFIG_FILE: pipelineConfigFile(
        { attempts: 2, backoff_ms: 20, concurrency: 4, finished_jobs_kept: KEPT },
        'gateway:\n  retries: 0\n  circuit_breaker_threshold: 1000',
      ),
      WHISPER_SERVICE_URL: whisper.url,
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
    });
    connection = new Redis(store.url, { maxRetriesPerRequest: null });
    queues = {
      transcription: new Queue(PipelineStage.Transcription, { connection, prefix: 'lt:bull' }),
      translation: new Queue(PipelineStage.Translation, { connection, prefix: 'lt:bull' }),
    };
  });
  afterAll(async () => {
    await Promise.all(Object.values(queues).map((queue) => queue.close()));
    connection.disconnect();
    await running.close();
    await whisper.close();
    await store.stop();
  });

  it('keeps only pipeline.finished_jobs_kept finished jobs per queue, a failed one with one stack trace, while the job records keep every result and error', async () => {
    const completed: string[] = [];
    for (let i = 0; i < KEPT + 4; i++) {
      const submitted = await submitWav(running.url, spokenWav(), {
        session_id: `kept-${i}`,
        target_languages: 'es',
      });
      expect((await finishedJob(running.url, submitted.body.job_id)).state).toBe('completed');
      completed.push(submitted.body.job_id);
    }
    // Only the work fails: the health check still answers, so admission lets the jobs in.
    whisper.handle((r) =>
      r.path.startsWith('/transcribe')
        ? { status: 500, json: { error: 'CUDA out of memory' } }
        : livetranslateWhisperReply(r, ''),
    );
    const failed: string[] = [];
    for (let i = 0; i < KEPT + 3; i++) {
      const submitted = await submitWav(running.url, spokenWav(), {
        session_id: `kept-failed-${i}`,
        target_languages: 'es',
      });
      expect((await finishedJob(running.url, submitted.body.job_id)).state).toBe('failed');
      failed.push(submitted.body.job_id);
    }

    expect(await queues.transcription.getJobCounts('completed', 'failed')).toEqual({
      completed: KEPT,
      failed: KEPT,
    });
    expect(await queues.translation.getJobCounts('completed', 'failed')).toEqual({
      completed: KEPT,
      failed: 0,
    });
    const [lastFailed] = await queues.transcription.getJobs(['failed'], 0, 0);
    expect(lastFailed.attemptsMade).toBe(2);
    expect(lastFailed.stacktrace).toHaveLength(1);

    // Clients read the job records, which keep every outcome for pipeline.retention_seconds.
    for (const id of completed) {
      const job = (await request(running.url).get(`/api/pipeline/jobs/${id}`).expect(200)).body;
      expect(job.result.translations.es.translated_text).toBe('Buenos días, mi amigo');
    }
    for (const id of failed) {
      const job = (await request(running.url).get(`/api/pipeline/jobs/${id}`).expect(200)).body;
      expect(job.error).toContain('CUDA out of memory');
    }
    whisper.handle((r) => livetranslateWhisperReply(r, 'Good morning, my friend'));
  });

  it('does not translate again when a finished translation is enqueued anew after BullMQ let go of it', async () => {
    const session = 'translated-once';
    const submitted = await submitWav(running.url, spokenWav(), {
      session_id: session,
      target_languages: 'es',
    });
    expect((await finishedJob(running.url, submitted.body.job_id)).state).toBe('completed');
    // As after a crash between a transcription's follow-ups and its completion: the transcription runs
    // again and enqueues its translation once more, and BullMQ no longer holds the finished one.
    const stageJobId = `${submitted.body.job_id}.${PipelineStage.Translation}.es`;
    await (await queues.translation.getJob(stageJobId))?.remove();
    await queues.translation.add(
      STAGE_JOB_NAME[PipelineStage.Translation],
      { pipelineJobId: submitted.body.job_id, targetLanguage: 'es' },
      { jobId: stageJobId },
    );
    await eventually(
      () => `the re-enqueued ${stageJobId} to finish`,
      async () => ((await queues.translation.getJobState(stageJobId)) === 'completed' ? true : undefined),
    );
    const history = (await request(running.url).get(`/api/sessions/${session}`).expect(200)).body.history;
    expect(history.map((entry: { kind: string }) => entry.kind)).toEqual(['transcript', 'translation']);
  });
});
