import { Redis } from 'ioredis';
import { PIPELINE_STATE } from '../../libs/pipeline/src/pipeline.tokens';
import type { PipelineState } from '../../libs/pipeline/src/state/pipeline-state';
import { startApp, type RunningApp } from '../support/app-harness';
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
}
