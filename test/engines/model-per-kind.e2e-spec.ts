import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { startFakeEngine, type FakeEngineServer, type RecordedRequest } from '../support/fake-engine-server';
import { finishedJob, livetranslateWhisperReply, spokenWav, submitWav } from '../pipeline/pipeline-harness';

/** An OpenAI-compatible server (CONTRACTS §4) that records which model each upload asked for. */
function openAiReply(r: RecordedRequest) {
  if (r.path !== '/v1/audio/transcriptions')
    return { status: 404, json: { error: { message: 'Not Found' } } };
  return {
    json: {
      task: 'transcribe',
      language: 'english',
      duration: 1.4,
      text: 'Good morning, my friend',
      segments: [
        {
          id: 0,
          seek: 0,
          start: 0,
          end: 1.4,
          text: 'Good morning, my friend',
          tokens: [],
          temperature: 0,
          avg_logprob: -0.2,
          compression_ratio: 1,
          no_speech_prob: 0.01,
        },
      ],
    },
  };
}

/** Runs one chunk through the pipeline and returns the upload the engine received. */
async function transcribeOnce(running: RunningApp, engine: FakeEngineServer): Promise<RecordedRequest> {
  const before = engine.requests.length;
  const submitted = await submitWav(running.url, spokenWav(), { target_languages: '' });
  expect(submitted.status).toBe(202);
  const job = await finishedJob(running.url, submitted.body.job_id);
  expect(job.state).toBe('completed');
  const uploads = engine.requests.slice(before).filter((r) => r.method === 'POST');
  expect(uploads).toHaveLength(1);
  return uploads[0];
}

describe('model names belong to the engine kind', () => {
  let openai: FakeEngineServer;
  let livetranslate: FakeEngineServer;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    openai = await startFakeEngine(openAiReply);
    livetranslate = await startFakeEngine((r) => livetranslateWhisperReply(r, 'Good morning, my friend'));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await openai?.close();
    await livetranslate?.close();
  });

  async function boot(env: Record<string, string>): Promise<RunningApp> {
    const running = await startApp({ HEALTH_CHECK_INTERVAL: '3600', RATE_LIMIT_PROXY: '0', ...env });
    cleanups.push(() => running.close());
    return running;
  }

  it("asks an OpenAI-compatible engine for whisper-1, not the platform's whisper-base from the settings", async () => {
    const running = await boot({ WHISPER_SERVICE_URL: openai.url, WHISPER_SERVICE_KIND: 'openai' });
    const upload = await transcribeOnce(running, openai);
    expect(upload.fields.get('model')).toBe('whisper-1');
  });

  it('asks for the configured model of the service (WHISPER_MODEL)', async () => {
    const running = await boot({
      WHISPER_SERVICE_URL: openai.url,
      WHISPER_SERVICE_KIND: 'openai',
      WHISPER_MODEL: 'Systran/faster-whisper-large-v3',
    });
    const upload = await transcribeOnce(running, openai);
    expect(upload.fields.get('model')).toBe('Systran/faster-whisper-large-v3');
  });

  it("gives each instance of a mixed pool its own model, and the platform's model only to the platform's service", async () => {
    const config = writeConfigFile({
      services: {
        whisper: {
          kind: 'openai',
          instances: [
            { url: openai.url, model: 'distil-small.en', priority: 0 },
            { url: livetranslate.url, kind: 'livetranslate', priority: 1 },
          ],
        },
      },
    });
    cleanups.push(() => config.remove());
    const running = await boot({ CONFIG_FILE: config.path });
    const toOpenAi = await transcribeOnce(running, openai);
    expect(toOpenAi.fields.get('model')).toBe('distil-small.en');

    // With the OpenAI-compatible instance gone, its lower tier (the platform's service) takes the call.
    await openai.close();
    const toPlatform = await transcribeOnce(running, livetranslate);
    expect(toPlatform.path).toBe('/transcribe/whisper-base');
    expect(toPlatform.fields.has('model')).toBe(false);
  });
});
