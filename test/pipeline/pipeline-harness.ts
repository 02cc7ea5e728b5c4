import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startFakeEngine, type FakeEngineServer, type RecordedRequest } from '../support/fake-engine-server';
import { eventually } from '../support/eventually';

const workDir = mkdtempSync(join(tmpdir(), 'pipeline-e2e-'));

/** Real speech made by espeak-ng (22.05 kHz 16-bit mono WAV), generated once per test file. */
let spoken: Buffer | undefined;
export function spokenWav(): Buffer {
  if (!spoken) {
    const path = join(workDir, 'good-morning.wav');
    execFileSync('espeak-ng', ['-v', 'en', '-w', path, 'Good morning, my friend']);
    spoken = readFileSync(path);
  }
  return spoken;
}

/**
 * The platform's whisper service as CONTRACTS §5 describes it: `POST /transcribe[/{model}]`, the file in
 * field `audio`, 400 `{ error: 'No audio file provided' }` without one, and its answer shape with the
 * constant 0.9 confidence. It cannot recognise speech, so it answers `transcript` for any audio.
 */
export async function startFakeWhisper(transcript = 'Good morning, my friend'): Promise<FakeEngineServer> {
  return startFakeEngine((r) => livetranslateWhisperReply(r, transcript));
}

export function livetranslateWhisperReply(r: RecordedRequest, transcript: string) {
  if (r.method === 'GET' && r.path === '/health') return { json: { status: 'healthy', service_status: {} } };
  if (r.method !== 'POST' || !r.path.startsWith('/transcribe'))
    return { status: 404, json: { error: 'Not Found' } };
  const file = r.fields.get('audio');
  if (!file || typeof file === 'string' || file.size === 0)
    return { status: 400, json: { error: 'No audio file provided' } };
  return {
    json: {
      text: transcript,
      segments: [],
      language: 'en',
      confidence: 0.9,
      processing_time: 0.01,
      model_used: 'whisper-base',
      device_used: 'cpu',
      timestamp: new Date().toISOString(),
      session_id: r.fields.get('session_id') ?? null,
    },
  };
}

/** A YAML file with the pipeline settings a test needs (short backoff and stall recovery). */
export function pipelineConfigFile(pipeline: Record<string, number | boolean>, extra = ''): string {
  const lines = Object.entries(pipeline).map(([key, value]) => `  ${key}: ${value}`);
  const path = join(workDir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  // Tests and the benchmark poll job states quickly; the per-client rate limit is not what they measure.
  const unlimited = ['rate_limit:', '  proxy: 0', '  api: 0'];
  writeFileSync(
    path,
    ['pipeline:', ...lines, 'monitoring:', '  health_check_interval: 3600', ...unlimited, extra].join('\n'),
  );
  return path;
}

export async function submitWav(
  url: string,
  audio: Buffer,
  fields: Record<string, string>,
): Promise<{
  status: number;
  body: { job_id: string; created: boolean; error?: { code: string; message: string } };
}> {
  let call = request(url)
    .post('/api/pipeline/jobs')
    .attach('file', audio, { filename: 'chunk.wav', contentType: 'audio/wav' });
  for (const [name, value] of Object.entries(fields)) call = call.field(name, value);
  const response = await call;
  return { status: response.status, body: response.body };
}

/** Sends `count` chunks of one session one after the other (chunk ids c0, c1, ...), untranslated; their job ids. */
export async function submitSessionChunks(
  url: string,
  audio: Buffer,
  session: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const submitted = await submitWav(url, audio, {
      session_id: session,
      chunk_id: `c${i}`,
      target_languages: '',
    });
    ids.push(submitted.body.job_id);
  }
  return ids;
}

/** Polls GET /api/pipeline/jobs/:id until the job is completed or failed (bounded). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the job view is asserted field by field
export async function finishedJob(url: string, jobId: string, timeoutMs = 30_000): Promise<any> {
  let last: unknown;
  return eventually(
    () => `job ${jobId} to finish: ${JSON.stringify(last)}`,
    async () => {
      const response = await request(url).get(`/api/pipeline/jobs/${jobId}`);
      last = response.body;
      const state = (response.body as { state?: string }).state;
      return response.status === 200 && (state === 'completed' || state === 'failed')
        ? response.body
        : undefined;
    },
    { timeoutMs },
  );
}
