import { Redis } from 'ioredis';
import { startApp, type RunningApp } from '../support/app-harness';
import type { FakeEngineServer } from '../support/fake-engine-server';
import { startRedis, type ExternalService } from '../support/test-services';
import {
  finishedJob,
  livetranslateWhisperReply,
  pipelineConfigFile,
  spokenWav,
  startFakeWhisper,
  submitSessionChunks,
} from './pipeline-harness';
import { describePipelineBehaviour } from './pipeline-suite';

let redis: ExternalService | undefined;

describePipelineBehaviour('bullmq', async () => {
  redis = await startRedis('pipeline-bullmq');
  return redis.url;
});

afterAll(() => redis?.stop());

describe('pipeline ordering on BullMQ', () => {
  let store: ExternalService;
  let whisper: FakeEngineServer;
  let running: RunningApp;

  beforeAll(async () => {
    store = await startRedis('pipeline-bullmq-order');
    whisper = await startFakeWhisper();
    running = await startApp({
      REDIS_URL: store.url,
      // More transcription slots than the session has chunks: the later chunks are taken while the first runs.
      CONFIG_FILE: pipelineConfigFile({ concurrency: 4 }),
      WHISPER_SERVICE_URL: whisper.url,
    });
  });
  afterAll(async () => {
    await running.close();
    await whisper.close();
    await store.stop();
  });

  it('wakes a chunk waiting for its predecessor when that one finishes, instead of polling for it', async () => {
    const session = 'ordered-wake';
    let first = true;
    whisper.handle((r) => {
      const reply = livetranslateWhisperReply(r, 'Good morning, my friend');
      if (!first || !r.path.startsWith('/transcribe')) return reply;
      first = false;
      return { ...reply, delayMs: 600 };
    });
    const ids = await submitSessionChunks(running.url, spokenWav(), session, 3);
    const jobs = await Promise.all(ids.map((id) => finishedJob(running.url, id)));
    const offsets = jobs.map(
      (job: { result: { transcript: { offset: number } } }) => job.result.transcript.offset,
    );
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));

    // Each time a waiting chunk goes back to BullMQ's delayed set is one `delayed` event. Looking again every
    // few milliseconds while the first chunk takes 600 ms would be dozens; woken by its predecessor, each of
    // the two later chunks waits once (twice at most, should a slow machine hit the fallback recheck).
    const client = new Redis(store.url);
    try {
      const events = await client.xrange('lt:bull:transcription:events', '-', '+');
      const delayed = events.filter(([, fields]) => {
        const event = Object.fromEntries(
          fields.flatMap((value, i) => (i % 2 === 0 ? [[value, fields[i + 1]]] : [])),
        );
        return event.event === 'delayed' && ids.includes(event.jobId);
      });
      expect(delayed.length).toBeGreaterThanOrEqual(1);
      expect(delayed.length).toBeLessThanOrEqual(4);
    } finally {
      client.disconnect();
    }
  });
});
