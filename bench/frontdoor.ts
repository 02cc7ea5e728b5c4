/**
 * Front-door benchmark (issue 18): a 1 MB WAV transcribed through the orchestrator's OpenAI-compatible
 * `POST /v1/audio/transcriptions` versus sent to the engine directly, in one run on loopback, and the same
 * file through `POST /api/transcribe` (which reads the upload whole before calling the engine) as the
 * held-upload contrast. The engine is an OpenAI-compatible stand-in in this process that answers at once and
 * notes when each upload's first and last bytes reach it; the orchestrator is the built app (`node dist/...`)
 * in its own process. Requests are sequential (latency without queueing), the three paths interleaved, so
 * load on the machine hits them alike. Writes the table into bench/README.md under "Front doors".
 *
 *   flock /work/wt/.bench.lock npm run bench:frontdoor [-- --requests 300]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { freePort } from '../test/support/free-port';

const FILE_BYTES = 1024 * 1024;
const WARMUP = 20;
const STARTUP_SECONDS = 60;
const MAX_SECONDS = 240;
const ANSWER = JSON.stringify({
  task: 'transcribe',
  language: 'english',
  duration: 32.8,
  text: 'ok',
  segments: [],
});

type Path = 'direct' | 'v1' | 'api';
interface Sample {
  total: number;
  firstByte: number;
  lastByte: number;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

/** 16 kHz 16-bit mono WAV of FILE_BYTES. */
function wav(): Buffer {
  const data = Buffer.alloc(FILE_BYTES - 44);
  for (let i = 0; i < data.length / 2; i++) data.writeInt16LE(Math.round(Math.sin(i / 8) * 8000), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16000, 24);
  header.writeUInt32LE(32000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** A multipart body with the text fields first (as the Python SDK and curl send them), then the file. */
function multipart(fields: Record<string, string>, file: Buffer): { body: Buffer; contentType: string } {
  const boundary = 'bench-frontdoor-boundary';
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const head = `${parts.join('')}--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="talk.wav"\r\ncontent-type: audio/wav\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const requests = option('requests', 300);
  const loadBefore = loadavg()[0];
  // The engine: notes first and last byte of each upload, answers once the upload is in.
  let current: { firstByte?: number; lastByte?: number } = {};
  const engine = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/health' ? '{"status":"ok"}' : '{"object":"list","data":[]}');
      return;
    }
    req.on('data', () => (current.firstByte ??= performance.now()));
    req.on('end', () => {
      current.lastByte = performance.now();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
      res.end(ANSWER);
    });
  });
  engine.keepAliveTimeout = 30_000;
  await new Promise<void>((done) => engine.listen(0, '127.0.0.1', done));
  const engineUrl = `http://127.0.0.1:${(engine.address() as AddressInfo).port}`;

  const port = await freePort();
  const orchestrator: ChildProcess = spawn(
    process.execPath,
    [resolve(__dirname, '../dist/apps/orchestration/src/main.js')],
    {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        NODE_ENV: 'development',
        WHISPER_SERVICE_URL: `openai=${engineUrl}`,
        RATE_LIMIT_PROXY: '0',
        RATE_LIMIT_API: '0',
        HEALTH_CHECK_INTERVAL: '5',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const orchestratorUrl = `http://127.0.0.1:${port}`;
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const deadline = Date.now() + STARTUP_SECONDS * 1000;
  for (;;) {
    try {
      const answer = await request(`${orchestratorUrl}/api/services`, { dispatcher });
      const body = (await answer.body.json()) as {
        services: { whisper: { instances: { status: string }[] } };
      };
      if (body.services.whisper.instances.every((i) => i.status === 'up')) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the orchestrator did not start');
    await new Promise((done) => setTimeout(done, 200));
  }

  const file = wav();
  const bodies: Record<Path, { url: string; body: Buffer; contentType: string }> = {
    direct: {
      url: `${engineUrl}/v1/audio/transcriptions`,
      ...multipart({ model: 'whisper-1', response_format: 'verbose_json' }, file),
    },
    v1: { url: `${orchestratorUrl}/v1/audio/transcriptions`, ...multipart({ model: 'whisper-1' }, file) },
    api: { url: `${orchestratorUrl}/api/transcribe`, ...multipart({ language: 'en' }, file) },
  };
  const samples: Record<Path, Sample[]> = { direct: [], v1: [], api: [] };
  const once = async (path: Path): Promise<Sample> => {
    const { url, body, contentType } = bodies[path];
    current = {};
    const started = performance.now();
    const answer = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': contentType },
      dispatcher,
    });
    await answer.body.arrayBuffer();
    const total = performance.now() - started;
    if (answer.statusCode !== 200) throw new Error(`${path}: HTTP ${answer.statusCode}`);
    return { total, firstByte: current.firstByte! - started, lastByte: current.lastByte! - started };
  };
  const order: Path[] = ['direct', 'v1', 'api'];
  for (let i = 0; i < WARMUP; i++) for (const path of order) await once(path);
  const until = performance.now() + MAX_SECONDS * 1000;
  let done = 0;
  for (; done < requests && performance.now() < until; done++) {
    // Rotate the order, so no path always follows the same one.
    for (let k = 0; k < order.length; k++) {
      const path = order[(done + k) % order.length];
      samples[path].push(await once(path));
    }
  }
  orchestrator.kill('SIGTERM');
  engine.close();
  await dispatcher.close();

  const p50 = (path: Path, key: keyof Sample) =>
    percentile(
      samples[path].map((s) => s[key]),
      50,
    );
  const p95 = (path: Path, key: keyof Sample) =>
    percentile(
      samples[path].map((s) => s[key]),
      95,
    );
  const ms = (value: number) => value.toFixed(2);
  const added = p50('v1', 'total') - p50('direct', 'total');
  const addedApi = p50('api', 'total') - p50('direct', 'total');
  const transfer = p50('direct', 'lastByte');
  const rows = [
    `| path | p50 total ms | p95 total ms | p50 added ms | first byte at engine, p50 ms | last byte at engine, p50 ms |`,
    `| --- | --- | --- | --- | --- | --- |`,
    `| engine direct (baseline) | ${ms(p50('direct', 'total'))} | ${ms(p95('direct', 'total'))} | — | ${ms(p50('direct', 'firstByte'))} | ${ms(transfer)} |`,
    `| \`/v1/audio/transcriptions\` (streamed) | ${ms(p50('v1', 'total'))} | ${ms(p95('v1', 'total'))} | ${ms(added)} | ${ms(p50('v1', 'firstByte'))} | ${ms(p50('v1', 'lastByte'))} |`,
    `| \`/api/transcribe\` (held whole) | ${ms(p50('api', 'total'))} | ${ms(p95('api', 'total'))} | ${ms(addedApi)} | ${ms(p50('api', 'firstByte'))} | ${ms(p50('api', 'lastByte'))} |`,
  ];
  const table = [
    `<!-- frontdoor:start (generated by npm run bench:frontdoor; ${new Date().toISOString()}) -->`,
    `${done} sequential requests per path (1 MB WAV, loopback, after ${WARMUP} warm-up rounds); load average before the run ${loadBefore.toFixed(2)}.`,
    '',
    ...rows,
    '',
    `Added latency of the OpenAI front door: ${ms(added)} ms at p50 over the direct call whose own upload takes ${ms(transfer)} ms ` +
      `(ratio ${(p50('v1', 'total') / p50('direct', 'total')).toFixed(2)}); the engine gets the first byte ${ms(p50('v1', 'firstByte'))} ms after the client starts ` +
      `(${ms(p50('api', 'firstByte'))} ms when the upload is held whole, ${(p50('api', 'firstByte') / p50('v1', 'firstByte')).toFixed(1)}× later).`,
    '<!-- frontdoor:end -->',
  ].join('\n');
  process.stdout.write(`${table}\n`);
  const readmePath = resolve(__dirname, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const section = /<!-- frontdoor:start[\s\S]*?<!-- frontdoor:end -->/;
  if (section.test(readme)) writeFileSync(readmePath, readme.replace(section, table));
  else process.stdout.write('(no frontdoor markers in bench/README.md: table not written)\n');
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
