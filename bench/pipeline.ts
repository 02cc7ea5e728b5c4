/**
 * Pipeline throughput and added latency: an instant fake speech-to-text engine (the livetranslate
 * contract) and the real Apertium APY (eng→spa), through the in-process driver and through BullMQ with 1
 * and 2 separate worker processes. Per chunk, "overhead" is the time from job creation to its last stage
 * finishing, minus the time spent in engine calls (as the adapters measured them): queueing, hand-offs
 * between stages, state writes. Usage: npm run bench:pipeline -- [--chunks 120] [--sessions 12] [--inflight 8] [--sequential 40]
 */
import { loadavg } from 'node:os';
import { startApp, type RunningApp } from '../test/support/app-harness';
import { pipelineConfigFile, livetranslateWhisperReply } from '../test/pipeline/pipeline-harness';
import { startFakeEngine } from '../test/support/fake-engine-server';
import { startPipelineWorker, type WorkerProcess } from '../test/support/pipeline-worker-process';
import { spawn } from 'node:child_process';
import { freePort } from '../test/support/free-port';
import { startApertium } from '../test/support/test-services';
import { tone } from '../test/support/wav';
import { LatencySamples } from './latency-stats';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const CHUNKS = option('chunks', 120);
const SESSIONS = option('sessions', 12);
const IN_FLIGHT = option('inflight', 8);
const LATENCY_CHUNKS = option('sequential', 40);

interface JobView {
  state: string;
  created_at: string;
  stages: { transcription: { updated_at: string }; translation: Record<string, { updated_at: string }> };
  result: {
    transcript: { processing_ms: number } | null;
    translations: Record<string, { processing_ms: number; translated_text: string }>;
  };
}

async function submit(url: string, audio: Buffer, session: string, chunk: number): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([audio], { type: 'audio/wav' }), 'chunk.wav');
  form.append('session_id', session);
  form.append('chunk_id', `bench-${chunk}`);
  form.append('language', 'en');
  form.append('target_languages', 'es');
  const response = await fetch(`${url}/api/pipeline/jobs`, { method: 'POST', body: form });
  if (response.status !== 202) throw new Error(`submit: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { job_id: string }).job_id;
}

async function finished(url: string, jobId: string): Promise<JobView> {
  for (let i = 0; i < 2400; i++) {
    const view = (await (await fetch(`${url}/api/pipeline/jobs/${jobId}`)).json()) as JobView;
    if (view.state === 'completed' || view.state === 'failed') return view;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${jobId} did not finish`);
}

interface Pass {
  chunks: number;
  inFlight: number;
  sessions: number;
  /** Wait for each chunk's result before sending the next (latency without queueing). */
  sequential: boolean;
}

async function runPass(url: string, run: number, pass: Pass): Promise<JobView[]> {
  const audio = tone(1, 0.3);
  const ids: string[] = [];
  const views: JobView[] = [];
  let next = 0;
  const submitter = async (): Promise<void> => {
    while (next < pass.chunks) {
      const chunk = next++;
      const id = await submit(url, audio, `bench-${run}-${chunk % pass.sessions}`, chunk);
      ids.push(id);
      if (pass.sequential) views.push(await finished(url, id));
    }
  };
  await Promise.all(Array.from({ length: pass.inFlight }, submitter));
  return pass.sequential ? views : Promise.all(ids.map((id) => finished(url, id)));
}

/** Overhead from a sequential pass (one chunk at a time), throughput from a loaded pass. */
async function measure(label: string, url: string, run: number): Promise<Record<string, string | number>> {
  const latency = summarise(
    await runPass(url, run, { chunks: LATENCY_CHUNKS, inFlight: 1, sessions: 1, sequential: true }),
  );
  const load = summarise(
    await runPass(url, run + 100, {
      chunks: CHUNKS,
      inFlight: IN_FLIGHT,
      sessions: SESSIONS,
      sequential: false,
    }),
  );
  process.stderr.write(`${label}: ${JSON.stringify({ latency, load })}\n`);
  return {
    driver: label,
    'jobs/s (loaded)': load.jobsPerSecond,
    'overhead p50 ms': latency.p50,
    'overhead p99 ms': latency.p99,
    'overhead p50 ms (loaded)': load.p50,
    failed: latency.failed + load.failed,
  };
}

function summarise(views: JobView[]): { jobsPerSecond: number; p50: number; p99: number; failed: number } {
  const overhead = new LatencySamples();
  let first = Infinity;
  let last = 0;
  let failed = 0;
  for (const view of views) {
    if (view.state !== 'completed') {
      failed++;
      continue;
    }
    const created = Date.parse(view.created_at);
    const done = Math.max(
      Date.parse(view.stages.transcription.updated_at),
      ...Object.values(view.stages.translation).map((s) => Date.parse(s.updated_at)),
    );
    const engines =
      (view.result.transcript?.processing_ms ?? 0) +
      Math.max(0, ...Object.values(view.result.translations).map((t) => t.processing_ms));
    overhead.add(Math.max(0, done - created - engines));
    first = Math.min(first, created);
    last = Math.max(last, done);
  }
  const summary = overhead.summary();
  return {
    jobsPerSecond: Math.round((views.length / ((last - first) / 1000)) * 10) / 10,
    p50: summary.p50,
    p99: summary.p99,
    failed,
  };
}

/**
 * Redis as commonly deployed (no fsync per write). The test suites' Redis fsyncs every write (appendfsync
 * always) to survive restarts, which on this shared disk would dominate the BullMQ numbers.
 */
async function startBenchRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    const answered = await fetch(`http://127.0.0.1:${port}`).then(
      () => true,
      (error: { cause?: { code?: string } }) => error.cause?.code !== 'ECONNREFUSED',
    );
    if (answered) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

async function main(): Promise<void> {
  const [redis, apertium] = await Promise.all([startBenchRedis(), startApertium()]);
  const whisper = await startFakeEngine((r) => livetranslateWhisperReply(r, 'Good morning, my friend'));
  const services = {
    WHISPER_SERVICE_URL: whisper.url,
    TRANSLATION_SERVICE_URL: apertium.url,
    TRANSLATION_SERVICE_KIND: 'apertium',
  };
  const rows: Record<string, string | number>[] = [];
  const load = () => loadavg()[0].toFixed(1);
  const loadBefore = load();
  let app: RunningApp | undefined;
  const workers: WorkerProcess[] = [];
  try {
    app = await startApp({ ...services, CONFIG_FILE: pipelineConfigFile({ concurrency: 8 }) });
    await measure('warm-up', app.url, 0);
    rows.push(await measure('in-process', app.url, 1));
    await app.close();

    const bullConfig = pipelineConfigFile({ concurrency: 8, run_workers_in_process: false });
    const bullEnv = { ...services, REDIS_URL: redis.url, CONFIG_FILE: bullConfig };
    app = await startApp(bullEnv);
    for (const count of [1, 2]) {
      while (workers.length < count) {
        const worker = startPipelineWorker(bullEnv);
        workers.push(worker);
        await worker.ready(120_000);
      }
      if (count === 1) await measure('warm-up', app.url, 10);
      rows.push(await measure(`bullmq, ${count} worker${count > 1 ? 's' : ''}`, app.url, 10 + count));
    }
  } finally {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await app?.close();
    await whisper.close();
    await Promise.all([redis.stop(), apertium.stop()]);
  }
  const columns = Object.keys(rows[0]);
  process.stdout.write(`\n| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|\n`);
  for (const row of rows) process.stdout.write(`| ${columns.map((c) => row[c]).join(' | ')} |\n`);
  process.stdout.write(
    `\nOverhead: ${LATENCY_CHUNKS} chunks of 1 s WAV sent one after the other. Loaded: ${CHUNKS} chunks over ` +
      `${SESSIONS} sessions with ${IN_FLIGHT} uploads in flight. One target language (es); ` +
      `load average ${loadBefore} before, ${load()} after; ${new Date().toISOString()}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
