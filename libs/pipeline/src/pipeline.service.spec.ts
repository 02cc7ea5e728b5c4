import type { ConfigStore } from '@app/config';
import type { AdmissionControl } from './admission/admission.types';
import type { PipelineDriver } from './drivers/pipeline-driver';
import { PipelineJobs } from './pipeline.service';
import { MemoryPipelineState } from './state/memory-pipeline-state';
import { stageStatus } from './state/pipeline-job-record';
import { FIELD } from './state/pipeline-state';

const config = {
  current: {
    gateway: { timeout: 1, retries: 0, retryMaxDelayMs: 0 },
    pipeline: { attempts: 1, backoffMs: 0, maxAudioBytes: 1024 },
  },
} as unknown as ConfigStore;

async function jobs(): Promise<{ pipeline: PipelineJobs; state: MemoryPipelineState }> {
  const state = new MemoryPipelineState(() => 60);
  await state.create(
    {
      id: 'pj_1',
      chunkId: 'c-1',
      sessionId: 's-1',
      lane: 's:s-1',
      format: 'wav',
      contentType: 'audio/wav',
      targetLanguages: [],
      diarize: false,
      createdAt: new Date().toISOString(),
    },
    Buffer.from('a'),
    { [FIELD.stagePrefix + 'transcription']: stageStatus('queued', 0) },
  );
  const admitAll = { admit: async () => undefined } as unknown as AdmissionControl;
  return {
    pipeline: new PipelineJobs({ state } as unknown as PipelineDriver, true, admitAll, config),
    state,
  };
}

const transcript = {
  text: 'hello',
  language: 'en',
  segments: [],
  confidence: 0.9,
  backend: 'openai@stt-0',
  audioLevelDb: -20,
  speechDetected: true,
  offset: 0,
  processingMs: 5,
};

describe('PipelineJobs.transcriptionOutcome', () => {
  afterEach(() => jest.restoreAllMocks());

  it("reads the job again only when told its transcription finished, not on a timer or another job's finish", async () => {
    const { pipeline, state } = await jobs();
    const reads = jest.spyOn(state, 'get');
    const outcome = pipeline.transcriptionOutcome('pj_1');
    await state.markFinished('s:other', 1, 'pj_other');
    // Real time on purpose: a poll on any timer would read again within it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reads).toHaveBeenCalledTimes(1);
    await state.update('pj_1', { [FIELD.transcript]: transcript });
    await state.markFinished('s:s-1', 1, 'pj_1');
    expect(await outcome).toMatchObject({
      ok: true,
      payload: { chunk_id: 'c-1', job_id: 'pj_1', session_id: 's-1', text: 'hello' },
    });
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('looks again when finish notices may have been missed (a resubscription)', async () => {
    const { pipeline, state } = await jobs();
    let tell: (jobId: string | undefined) => void = () => undefined;
    jest.spyOn(state, 'onFinished').mockImplementation((listener) => {
      tell = listener;
      return () => undefined;
    });
    const outcome = pipeline.transcriptionOutcome('pj_1');
    await new Promise((resolve) => setImmediate(resolve));
    await state.update('pj_1', { [FIELD.transcript]: transcript });
    tell(undefined);
    expect(await outcome).toMatchObject({ ok: true, payload: { text: 'hello' } });
  });

  it('answers with the error payload the pipeline published, code included', async () => {
    const { pipeline, state } = await jobs();
    await state.update('pj_1', {
      [FIELD.stagePrefix + 'transcription']: {
        ...stageStatus('failed', 2, 'engine down'),
        code: 'BAD_GATEWAY',
      },
    });
    expect(await pipeline.transcriptionOutcome('pj_1')).toEqual({
      ok: false,
      error: {
        code: 'BAD_GATEWAY',
        message: 'engine down',
        event: 'transcription_stream',
        request_id: 'c-1',
        chunk_id: 'c-1',
        job_id: 'pj_1',
        stage: 'transcription',
      },
    });
  });

  it('gives up with TIMEOUT once the deadline derived from the config has passed', async () => {
    const { pipeline } = await jobs();
    // The deadline is taken at the first reading of the clock; every later reading is long past it.
    jest.spyOn(Date, 'now').mockReturnValueOnce(0).mockReturnValue(Number.MAX_SAFE_INTEGER);
    const outcome = await pipeline.transcriptionOutcome('pj_1');
    expect(outcome).toMatchObject({ ok: false, error: { code: 'TIMEOUT', chunk_id: 'c-1', job_id: 'pj_1' } });
  });

  it('stops waiting when its signal aborts', async () => {
    const { pipeline } = await jobs();
    const outcome = await pipeline.transcriptionOutcome('pj_1', AbortSignal.abort());
    expect(outcome).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
  });

  it('reports an unknown job at once', async () => {
    const { pipeline } = await jobs();
    expect(await pipeline.transcriptionOutcome('pj_missing')).toMatchObject({
      ok: false,
      error: { code: 'JOB_NOT_FOUND' },
    });
  });
});
