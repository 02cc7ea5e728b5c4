import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { startFakeEngine, type FakeEngineServer } from '../support/fake-engine-server';
import { tone } from '../support/wav';
import {
  finishedJob,
  livetranslateWhisperReply,
  pipelineConfigFile,
  spokenWav,
  startFakeWhisper,
  submitSessionChunks,
  submitWav,
} from './pipeline-harness';

/**
 * The behaviour both drivers must show, run once per driver: `redisUrl` undefined means in-process.
 * Real Apertium translates; the speech-to-text engine is a contract-faithful fake of the platform's service.
 */
export function describePipelineBehaviour(driver: string, redisUrl: () => Promise<string | undefined>): void {
  describe(`pipeline (${driver} driver)`, () => {
    let whisper: FakeEngineServer;
    let speaker: FakeEngineServer;
    let running: RunningApp;

    beforeAll(async () => {
      whisper = await startFakeWhisper();
      // The platform's speaker service as CONTRACTS §5 documents it.
      speaker = await startFakeEngine((r) =>
        r.path === '/health'
          ? { json: { status: 'healthy' } }
          : r.path === '/diarize' && r.fields.has('file')
            ? {
                json: {
                  speakers: [
                    { speaker_id: 0, start: 0, end: 0.8 },
                    { speaker_id: 1, start: 0.8, end: 1.6 },
                  ],
                },
              }
            : { status: 404, json: { error: 'Not Found' } },
      );
      running = await startApp({
        REDIS_URL: await redisUrl(),
        // No gateway retries and a breaker that does not open: these tests are about the pipeline's retries.
        CONFIG_FILE: pipelineConfigFile(
          { backoff_ms: 50, attempts: 3, concurrency: 4 },
          'gateway:\n  retries: 0\n  circuit_breaker_threshold: 1000',
        ),
        WHISPER_SERVICE_URL: whisper.url,
        SPEAKER_SERVICE_URL: speaker.url,
        TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
        TRANSLATION_SERVICE_KIND: 'apertium',
      });
    });
    afterAll(async () => {
      await running.close();
      await whisper.close();
      await speaker.close();
    });
    afterEach(() => whisper.handle((r) => livetranslateWhisperReply(r, 'Good morning, my friend')));

    it('turns an uploaded WAV into a transcript and Spanish text from the real Apertium', async () => {
      const submitted = await submitWav(running.url, spokenWav(), {
        session_id: `${driver}-s1`,
        language: 'en',
        target_languages: 'es',
      });
      expect(submitted.status).toBe(202);
      expect(submitted.body.job_id).toMatch(/^pj_/);
      const job = await finishedJob(running.url, submitted.body.job_id);
      expect(job).toMatchObject({ state: 'completed', error: null });
      expect(job.stages.transcription).toMatchObject({ state: 'completed', attempts: 1 });
      expect(job.stages.translation.es).toMatchObject({ state: 'completed' });
      expect(job.result.transcript).toMatchObject({
        text: 'Good morning, my friend',
        language: 'en',
        backend: expect.stringMatching(/^livetranslate@/),
        speech_detected: true,
      });
      expect(job.result.transcript.audio_level_db).toBeGreaterThan(-50);
      expect(job.result.translations.es).toMatchObject({
        translated_text: 'Buenos días, mi amigo',
        source_lang: 'en',
        target_lang: 'es',
        confidence: 1,
      });
      expect(job.result.translations.es.backend).toMatch(/^apertium@/);
      expect(
        whisper.requests.find((r) => r.path.startsWith('/transcribe'))?.fields.get('audio'),
      ).toMatchObject({ type: 'audio/wav', size: spokenWav().length });

      const session = await request(running.url).get(`/api/sessions/${driver}-s1`).expect(200);
      const kinds = session.body.history.map((e: { kind: string }) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['transcript', 'translation']));
    });

    it('translates into every target language in parallel and diarizes when asked', async () => {
      const session = `${driver}-multi`;
      const submitted = await submitWav(running.url, spokenWav(), {
        session_id: session,
        language: 'en',
        target_languages: 'es,en',
        diarize: 'true',
      });
      const job = await finishedJob(running.url, submitted.body.job_id);
      expect(job).toMatchObject({ state: 'completed', error: null });
      expect(Object.keys(job.stages.translation).sort()).toEqual(['en', 'es']);
      expect(job.result.translations.es.translated_text).toBe('Buenos días, mi amigo');
      // Same language: answered without an engine call.
      expect(job.result.translations.en).toMatchObject({
        translated_text: 'Good morning, my friend',
        backend: 'identity',
        confidence: 1,
      });
      expect(job.stages.diarization).toMatchObject({ state: 'completed', attempts: 1 });
      expect(job.result.speakers).toEqual([
        { speaker: '0', start: 0, end: 0.8 },
        { speaker: '1', start: 0.8, end: 1.6 },
      ]);
      expect(speaker.requests.at(-1)?.fields.get('file')).toMatchObject({ type: 'audio/wav' });
      const history = (await request(running.url).get(`/api/sessions/${session}`).expect(200)).body.history;
      expect(history.map((e: { kind: string }) => e.kind).sort()).toEqual([
        'speakers',
        'transcript',
        'translation',
        'translation',
      ]);
    });

    it('drops a silent chunk before it reaches the speech-to-text engine', async () => {
      const before = whisper.requests.length;
      const submitted = await submitWav(running.url, tone(0.5, 0.0005), {
        session_id: `${driver}-quiet`,
        target_languages: 'es',
      });
      const job = await finishedJob(running.url, submitted.body.job_id);
      expect(job).toMatchObject({ state: 'completed', error: null });
      expect(job.result.transcript).toMatchObject({ text: '', speech_detected: false, backend: 'vad' });
      expect(job.result.transcript.audio_level_db).toBeLessThan(-50);
      expect(job.stages.translation.es.state).toBe('skipped');
      expect(whisper.requests.length).toBe(before);
    });

    it('does not process a re-sent chunk twice', async () => {
      const fields = { session_id: `${driver}-idem`, chunk_id: 'chunk-7', target_languages: 'es' };
      const first = await submitWav(running.url, spokenWav(), fields);
      const again = await submitWav(running.url, spokenWav(), fields);
      expect(again.status).toBe(202);
      expect(again.body).toEqual({ job_id: first.body.job_id, created: false });
      expect(first.body.created).toBe(true);
      await finishedJob(running.url, first.body.job_id);
      const calls = whisper.requests.filter((r) => r.fields.get('session_id') === `${driver}-idem`);
      expect(calls).toHaveLength(1);
    });

    it('retries a failing engine with backoff and completes', async () => {
      let failures = 0;
      whisper.handle((r) => {
        if (r.path.startsWith('/transcribe') && failures < 1) {
          failures += 1;
          return { status: 400, json: { error: 'No audio file provided' } };
        }
        return livetranslateWhisperReply(r, 'Good morning, my friend');
      });
      // A 400 is final: the job fails visibly with the engine's reason, no retry.
      const rejected = await submitWav(running.url, spokenWav(), {
        session_id: `${driver}-final`,
        target_languages: 'es',
      });
      const failed = await finishedJob(running.url, rejected.body.job_id);
      expect(failed.state).toBe('failed');
      expect(failed.stages.transcription).toMatchObject({ state: 'failed', attempts: 1 });
      expect(failed.error).toContain('No audio file provided');
      expect(failed.stages.translation.es.state).toBe('skipped');

      // Transport-level outages and 5xx answers are retried by the pipeline.
      let outage = 0;
      whisper.handle((r) => {
        if (r.path.startsWith('/transcribe') && outage < 2) {
          outage += 1;
          return { status: 503, json: { error: 'model loading' } };
        }
        return livetranslateWhisperReply(r, 'Good morning, my friend');
      });
      const retried = await submitWav(running.url, spokenWav(), {
        session_id: `${driver}-retry`,
        target_languages: 'es',
      });
      const job = await finishedJob(running.url, retried.body.job_id);
      expect(job).toMatchObject({ state: 'completed', error: null });
      expect(job.stages.transcription.attempts).toBe(3);
    });

    it('fails visibly with the reason when the engine stays down', async () => {
      whisper.handle(() => ({ status: 500, json: { error: 'CUDA out of memory' } }));
      const submitted = await submitWav(running.url, spokenWav(), {
        session_id: `${driver}-down`,
        target_languages: 'es',
      });
      const job = await finishedJob(running.url, submitted.body.job_id);
      expect(job.state).toBe('failed');
      expect(job.stages.transcription).toMatchObject({ state: 'failed', attempts: 3 });
      expect(job.error).toContain('CUDA out of memory');
      const stats = await request(running.url).get('/api/pipeline/stats').expect(200);
      expect(stats.body.failures.transcription).toBeGreaterThanOrEqual(1);
      const logs = await request(running.url)
        .get('/api/logs')
        .query({ source: 'pipeline', level: 'error' })
        .expect(200);
      expect(logs.body.logs).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            source: 'pipeline',
            message: expect.stringContaining('CUDA out of memory'),
          }),
        ]),
      );
    });

    it('keeps the chunks of one session in order and gives them running offsets', async () => {
      const session = `${driver}-ordered`;
      // The first chunk is the slowest to transcribe: without the ordering guarantee the later ones overtake it.
      let seen = 0;
      whisper.handle((r) => {
        const reply = livetranslateWhisperReply(r, 'Good morning, my friend');
        return r.fields.get('session_id') === session && seen++ === 0 ? { ...reply, delayMs: 300 } : reply;
      });
      const ids = await submitSessionChunks(running.url, spokenWav(), session, 4);
      const jobs = await Promise.all(ids.map((id) => finishedJob(running.url, id)));
      const offsets = jobs.map((j) => j.result.transcript.offset);
      const duration = jobs[0].result.transcript.duration;
      expect(duration).toBeGreaterThan(0.5);
      offsets.forEach((offset, i) => expect(offset).toBeCloseTo(i * duration, 3));
      const order = whisper.requests.filter((r) => r.fields.get('session_id') === session);
      expect(order).toHaveLength(4);
    });

    it('refuses empty and unsupported uploads with a 400 naming the reason', async () => {
      const empty = await submitWav(running.url, Buffer.alloc(0), {});
      expect(empty.status).toBe(400);
      expect(empty.body.error?.code).toBe('EMPTY_AUDIO');
      const pdf = await submitWav(running.url, Buffer.from('%PDF-1.7 not audio'), {});
      expect(pdf.status).toBe(400);
      expect(pdf.body.error?.message).toContain('not WAV, MP3, WebM, OGG or FLAC');
      await request(running.url).get('/api/pipeline/jobs/pj_unknown').expect(404);
      const malformed = await request(running.url)
        .post('/api/pipeline/jobs')
        .set('content-type', 'multipart/form-data; boundary=fuzz')
        .send('{}')
        .expect(400);
      expect(malformed.body.error).toMatchObject({
        code: 'BAD_MULTIPART',
        message: expect.stringContaining('Malformed'),
      });
    });

    it('accepts JSON with base64 audio and reports stats', async () => {
      const response = await request(running.url)
        .post('/api/pipeline/jobs')
        .send({
          audio_data: tone(0.3, 0.5).toString('base64'),
          format: 'wav',
          session_id: `${driver}-json`,
          target_languages: ['es'],
        })
        .expect(202);
      const job = await finishedJob(running.url, response.body.job_id);
      expect(job).toMatchObject({ state: 'completed', error: null });
      const stats = await request(running.url).get('/api/pipeline/stats').expect(200);
      expect(stats.body).toMatchObject({ driver, queues: { transcription: expect.any(Object) } });
      expect(stats.body.outcomes.transcription.completed).toBeGreaterThan(0);
      const metrics = await request(running.url).get('/metrics').expect(200);
      expect(metrics.text).toMatch(
        /orchestration_pipeline_jobs_total\{stage="transcription",outcome="completed"\} [1-9]/,
      );
      expect(metrics.text).toMatch(
        /orchestration_pipeline_jobs_total\{stage="transcription",outcome="failed"\} [1-9]/,
      );
      expect(metrics.text).toContain(
        'orchestration_pipeline_stage_duration_seconds_bucket{le="0.005",stage="translation"}',
      );
      expect(metrics.text).toMatch(
        /orchestration_pipeline_queue_depth\{stage="transcription",state="waiting"\} 0/,
      );
      // The silent chunk's translation was skipped.
      expect(metrics.text).toMatch(
        /orchestration_pipeline_jobs_total\{stage="translation",outcome="skipped"\} [1-9]/,
      );
    });
  });
}
