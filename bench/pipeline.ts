/**
 * Pipeline throughput and added latency: an instant fake speech-to-text engine (the livetranslate
 * contract) and the real Apertium APY (eng→spa), through the in-process driver and through BullMQ with 1,
 * 2, ... separate worker processes. Per chunk, "overhead" is the time from job creation to its last stage
 * finishing, minus the time spent in engine calls (as the adapters measured them): queueing, hand-offs
 * between stages, state writes. Every process runs `--concurrency` jobs per stage, so the pipeline's
 * capacity is that times the number of worker processes; APY is started with enough parallelism that it
 * is not the cap (see bench/README.md). CPU per process group is measured over each loaded pass.
 *
 * Usage: npm run bench:pipeline -- [--chunks 400] [--sessions 12] [--inflight 16] [--sequential 40]
 *   [--concurrency 1] [--workers 1,2,3] [--stt-ms 0] [--apy-instances 1] [--apy-processes 2] [--apy-pipes 2]
 *   [--apy-users 1]
 */
import { cpus, loadavg } from 'node:os';
import { pipelineConfigFile, livetranslateWhisperReply } from '../test/pipeline/pipeline-harness';
import { startFakeEngine } from '../test/support/fake-engine-server';
import { startPipelineWorker, type WorkerProcess } from '../test/support/pipeline-worker-process';
import { startApertium, type ExternalService } from '../test/support/test-services';
import { tone } from '../test/support/wav';
import { LatencySamples } from './latency-stats';
import { startBenchRedis, startOrchestrator, type Orchestrator } from './orchestrator-process';
import { CpuMeter } from './process-cpu';

function option(name: string, fallback: number, min = 1): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
  return value;
}

function listOption(name: string, fallback: number[]): number[] {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const values = (process.argv[index + 1] ?? '').split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`--${name} takes e.g. 1,2,3`);
  return values.sort((a, b) => a - b);
}

const CHUNKS = option('chunks', 400);
const SESSIONS = option('sessions', 12);
const IN_FLIGHT = option('inflight', 16);
const LATENCY_CHUNKS = option('sequential', 40);
/** Jobs per stage that each process (the in-process orchestrator, each worker) runs at once. */
const CONCURRENCY = option('concurrency', 1);
const WORKERS = listOption('workers', [1, 2, 3]);
/**
 * How long the fake speech-to-text engine takes per chunk (0: instant, the issue's set-up). A real engine
 * takes this long on another machine, without this machine's CPU; jobs then wait on the engine, not on CPU.
 */
const STT_MS = option('stt-ms', 0, 0);
const APY_INSTANCES = option('apy-instances', 1);
/** APY's -j, -i and -u (0: APY's default). */
const APY_OPTIONS = {
  processes: option('apy-processes', 2, 0),
  maxPipesPerPair: option('apy-pipes', 2, 0),
  maxUsersPerPipe: option('apy-users', 1, 0),
};

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

/**
 * Waits for every job, looking at one job at a time in submission order (jobs finish roughly in that
 * order). One poll per job per 25 ms for every outstanding job would be thousands of requests per second
 * on the same two cores as the pipeline being measured; the timings come from the job records, not from
 * when the poll saw them.
 */
async function allFinished(url: string, ids: string[]): Promise<JobView[]> {
  const views: JobView[] = [];
  for (const id of ids) views.push(await finished(url, id));
  return views;
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
      ids[chunk] = id;
      if (pass.sequential) views.push(await finished(url, id));
    }
  };
  await Promise.all(Array.from({ length: pass.inFlight }, submitter));
  return pass.sequential ? views : allFinished(url, ids);
}

const loadedPass = (chunks = CHUNKS): Pass => ({
  chunks,
  inFlight: IN_FLIGHT,
  sessions: SESSIONS,
  sequential: false,
});

interface Row {
  driver: string;
  slots: number;
  jobsPerSecond: number;
  latency: Summary;
  load: Summary;
  cpu: Record<string, number>;
}

/** Overhead from a sequential pass (one chunk at a time), throughput and CPU from a loaded pass. */
async function measure(driver: string, slots: number, url: string, run: number, cpu: CpuMeter): Promise<Row> {
  const latency = summarise(
    await runPass(url, run, { chunks: LATENCY_CHUNKS, inFlight: 1, sessions: 1, sequential: true }),
  );
  cpu.start();
  const load = summarise(await runPass(url, run + 100, loadedPass()));
  const used = cpu.stop();
  process.stderr.write(`${driver}: ${JSON.stringify({ latency, load, cpu: used })}\n`);
  return { driver, slots, jobsPerSecond: load.jobsPerSecond, latency, load, cpu: used };
}

interface Summary {
  jobsPerSecond: number;
  p50: number;
  p99: number;
  failed: number;
}

function summarise(views: JobView[]): Summary {
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

function table(rows: Row[]): string {
  const base = rows.find((row) => row.driver === 'BullMQ, 1 worker process');
  const header = [
    'driver',
    'stage slots',
    'jobs/s (loaded)',
    'vs 1 worker',
    'overhead p50 ms',
    'overhead p99 ms',
    'overhead p50 ms (loaded)',
    'CPU % orchestrator / workers / APY / Redis / bench / other = machine',
    'failed',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const { cpu } = row;
    lines.push(
      `| ${[
        row.driver,
        row.slots,
        row.jobsPerSecond,
        base ? `${(row.jobsPerSecond / base.jobsPerSecond).toFixed(2)}×` : '',
        row.latency.p50,
        row.latency.p99,
        row.load.p50,
        `${cpu.orchestrator} / ${cpu.workers} / ${cpu.apy} / ${cpu.redis} / ${cpu.bench} / ${cpu.other} = ${cpu.machine}`,
        row.latency.failed + row.load.failed,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const redis = await startBenchRedis();
  const apertiums: ExternalService[] = [];
  for (let i = 0; i < APY_INSTANCES; i++) apertiums.push(await startApertium(APY_OPTIONS));
  const whisper = await startFakeEngine(
    (r) => ({ ...livetranslateWhisperReply(r, 'Good morning, my friend'), delayMs: STT_MS }),
    { keepAliveMs: 5000, record: false },
  );
  const services = {
    WHISPER_SERVICE_URL: whisper.url,
    TRANSLATION_SERVICE_URL: apertiums.map((a) => a.url).join(','),
    TRANSLATION_SERVICE_KIND: 'apertium',
  };
  const workers: WorkerProcess[] = [];
  let app: Orchestrator | undefined;
  const cpu = new CpuMeter([
    { name: 'orchestrator', pids: () => [app?.child.pid ?? 0], tree: false },
    { name: 'workers', pids: () => workers.map((w) => w.child.pid ?? 0), tree: true },
    { name: 'apy', pids: () => apertiums.map((a) => a.process.pid ?? 0), tree: true },
    { name: 'redis', pids: () => [redis.pid], tree: false },
    // this process: the load client and the fake speech-to-text engine
    { name: 'bench', pids: () => [process.pid], tree: false },
  ]);
  const rows: Row[] = [];
  const load = () => loadavg()[0].toFixed(1);
  const loadBefore = load();
  try {
    app = await startOrchestrator({
      ...services,
      CONFIG_FILE: pipelineConfigFile({ concurrency: CONCURRENCY }),
    });
    await runPass(app.url, 0, loadedPass());
    rows.push(await measure('in-process', CONCURRENCY, app.url, 1, cpu));
    await app.close();

    const bullConfig = pipelineConfigFile({ concurrency: CONCURRENCY, run_workers_in_process: false });
    const bullEnv = { ...services, REDIS_URL: redis.url, CONFIG_FILE: bullConfig };
    app = await startOrchestrator(bullEnv);
    for (const count of WORKERS) {
      while (workers.length < count) {
        const worker = startPipelineWorker(bullEnv);
        workers.push(worker);
        await worker.ready(120_000);
      }
      // A fresh process runs its first jobs unoptimised; warm every worker before measuring.
      await runPass(app.url, 10 * count, loadedPass(Math.min(CHUNKS, 60 * count)));
      const label = `BullMQ, ${count} worker process${count > 1 ? 'es' : ''}`;
      rows.push(await measure(label, CONCURRENCY * count, app.url, 10 * count + 1, cpu));
    }
  } finally {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await app?.close();
    await whisper.close();
    await Promise.all([redis.stop(), ...apertiums.map((a) => a.stop())]);
  }
  const one = rows.find((row) => row.driver === 'BullMQ, 1 worker process');
  const two = rows.find((row) => row.driver === 'BullMQ, 2 worker processes');
  const apy =
    `${APY_INSTANCES} APY instance${APY_INSTANCES > 1 ? 's' : ''} (` +
    `-j ${APY_OPTIONS.processes || 1} -i ${APY_OPTIONS.maxPipesPerPair || 1} -u ${APY_OPTIONS.maxUsersPerPipe || 5})`;
  process.stdout.write(`\n${table(rows)}\n\n`);
  if (one && two)
    process.stdout.write(
      `2 workers / 1 worker: ${(two.jobsPerSecond / one.jobsPerSecond).toFixed(2)}× jobs/s\n`,
    );
  process.stdout.write(
    `Overhead: ${LATENCY_CHUNKS} chunks of 1 s WAV sent one after the other. Loaded: ${CHUNKS} chunks over ` +
      `${SESSIONS} sessions with ${IN_FLIGHT} uploads in flight. One target language (es). ` +
      `Speech-to-text: ${STT_MS > 0 ? `fake answering after ${STT_MS} ms` : 'instant fake'}. ` +
      `Concurrency ${CONCURRENCY} per stage per process; stage slots = concurrency × processes running stages. ` +
      `${apy}. CPU in % of one core over the loaded pass (${cpus().length} cores). ` +
      `Load average ${loadBefore} before, ${load()} after; ${new Date().toISOString()}\n`,
  );
}

const fail = (error: Error): void => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
};
main().then(() => process.exit(0), fail);
