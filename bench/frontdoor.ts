/**
 * Front-door benchmark (issue 18): a 1 MB WAV transcribed through the orchestrator's OpenAI-compatible
 * `POST /v1/audio/transcriptions` versus sent to the engine directly, in one run on loopback; through a plain
 * streaming pipe proxy (bench/pipe-proxy.ts: the floor of any second hop on this machine); through
 * `POST /api/transcribe`; and through a peer, the Portkey AI gateway (`@portkey-ai/gateway`, a devDependency;
 * skipped with a note when it is not installed), routed to the same engine as an OpenAI custom host. The engine (bench/frontdoor-engine.ts) is an OpenAI-compatible stand-in in its own
 * process, as a real engine is, that answers at once and reports when each upload's first and last bytes
 * reached it; the orchestrator is the built app (`node dist/...`) in its own process. One client (undici,
 * one keep-alive pool) sends every request; requests are sequential (latency without queueing), the paths
 * interleaved in a rotating order, so load on the machine hits them alike. Writes the table into
 * bench/README.md under "Front doors".
 *
 *   flock /work/wt/.bench.lock npm run bench:frontdoor [-- --requests 300] [-- --profile DIR]
 *     [-- --node-flags '--trace-gc']
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { freePort } from '../test/support/free-port';
import { seededRandom } from '../test/support/tone-speech/random';
import type { UploadTimes } from './frontdoor-engine';

const FILE_BYTES = 1024 * 1024;
const WARMUP = 20;
const STARTUP_SECONDS = 60;
const MAX_SECONDS = 240;
/**
 * The paced client: the same 1 MB sent as a network would deliver it, 64 KiB every 5 ms (about 100 Mbit/s),
 * so that a front door that streams hands the engine its first bytes long before the client's last, and
 * one that holds the upload cannot.
 */
const PACED_CHUNK = 64 * 1024;
const PACE_MS = 5;
const PACED_ROUNDS = 20;
type Path = 'direct' | 'pipe' | 'v1' | 'api' | 'portkey' | 'base';
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

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A helper process of the bench (engine, proxies), started with `fork`; resolves with its URL. */
async function startHelper(
  file: string,
  args: string[],
  { preload, quiet = false }: { preload?: string; quiet?: boolean } = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(resolve(__dirname, file), args, {
    execArgv: [
      '-r',
      'ts-node/register/transpile-only',
      ...(preload ? ['-r', resolve(__dirname, preload)] : []),
    ],
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((done, fail) => {
    child.once('error', fail);
    child.once('message', (message: { listening: string }) => done(message.listening));
  });
  return { child, url };
}

/**
 * The Portkey AI gateway through its own bin (the package exports no server to import), on a free loopback
 * port; undefined, after a one-line note, when the optional peer is not installed.
 */
async function startPortkey(): Promise<{ child: ChildProcess; url: string; version: string } | undefined> {
  let bin: string;
  let version: string;
  try {
    bin = require.resolve('@portkey-ai/gateway/build/start-server.js');
    version = (
      JSON.parse(readFileSync(require.resolve('@portkey-ai/gateway/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    process.stdout.write('(@portkey-ai/gateway not installed: its row is skipped; `npm install` adds it)\n');
    return undefined;
  }
  // --headless: no log viewer UI; its start-up banner (stdout) is left out of the bench's output.
  const started = await startHelper(bin, ['--port=0', '--headless'], {
    preload: 'portkey-loopback.ts',
    quiet: true,
  });
  return { ...started, version };
}

/** Tells the engine's reports apart, in order: one per upload, taken by the request that sent it. */
function uploadReports(engine: ChildProcess): () => Promise<UploadTimes> {
  const arrived: UploadTimes[] = [];
  const waiting: ((times: UploadTimes) => void)[] = [];
  engine.on('message', (message: UploadTimes) => {
    const taker = waiting.shift();
    if (taker) taker(message);
    else arrived.push(message);
  });
  return () => {
    const ready = arrived.shift();
    return ready ? Promise.resolve(ready) : new Promise((done) => waiting.push(done));
  };
}

async function main(): Promise<void> {
  const requests = option('requests', 300);
  const profileAt = process.argv.indexOf('--profile');
  const profileDir = profileAt === -1 ? undefined : resolve(process.argv[profileAt + 1]);
  const loadBefore = loadavg()[0];
  const engine = await startHelper('frontdoor-engine.ts', []);
  const nextUpload = uploadReports(engine.child);
  const pipe = await startHelper('pipe-proxy.ts', [engine.url]);
  const portkey = await startPortkey();

  // --baseline DIST: a second orchestrator built from other code (e.g. main's `dist` copied aside), its
  // `/v1/audio/transcriptions` interleaved with this one's as one more path: an A/B in the same run.
  const baselineAt = process.argv.indexOf('--baseline');
  const baselineDist = baselineAt === -1 ? undefined : resolve(process.argv[baselineAt + 1]);
  const flagsAt = process.argv.indexOf('--node-flags');
  const nodeFlags = flagsAt === -1 ? [] : process.argv[flagsAt + 1].split(' ').filter(Boolean);
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const start = async (dist: string, profile: boolean): Promise<{ process: ChildProcess; url: string }> => {
    const port = await freePort();
    const child: ChildProcess = spawn(
      process.execPath,
      [
        // --profile DIR: a V8 CPU profile of the orchestrator, written when it exits (chrome://inspect or speedscope).
        ...(profile && profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
        // --node-flags '...': node/V8 flags for the orchestrators (e.g. --trace-gc), split at spaces.
        ...nodeFlags,
        resolve(dist, 'apps/orchestration/src/main.js'),
      ],
      {
        env: {
          ...process.env,
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'warn',
          NODE_ENV: 'development',
          WHISPER_SERVICE_URL: `openai=${engine.url}`,
          RATE_LIMIT_PROXY: '0',
          RATE_LIMIT_API: '0',
          HEALTH_CHECK_INTERVAL: '5',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + STARTUP_SECONDS * 1000;
    for (;;) {
      try {
        const answer = await request(`${url}/api/services`, { dispatcher });
        const body = (await answer.body.json()) as {
          services: { whisper: { instances: { status: string }[] } };
        };
        if (body.services.whisper.instances.every((i) => i.status === 'up')) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the orchestrator in ${dist} did not start`);
      await new Promise((done) => setTimeout(done, 200));
    }
    return { process: child, url };
  };
  // --dist DIR: the build under test (default: this tree's); with --baseline, swap the two for an ABBA pair.
  const distAt = process.argv.indexOf('--dist');
  const dist = distAt === -1 ? resolve(__dirname, '../dist') : resolve(process.argv[distAt + 1]);
  const current = await start(dist, true);
  const orchestrator = current.process;
  const orchestratorUrl = current.url;
  const baseline = baselineDist ? await start(baselineDist, false) : undefined;

  const file = wav();
  // The same upload everywhere; the direct call and the pipe proxy carry what the orchestrator sends on.
  const engineForm = multipart({ model: 'whisper-1', response_format: 'verbose_json' }, file);
  const v1Form = multipart({ model: 'whisper-1' }, file);
  const bodies: Record<
    Path,
    { url: string; body: Buffer; contentType: string; headers?: Record<string, string> }
  > = {
    direct: { url: `${engine.url}/v1/audio/transcriptions`, ...engineForm },
    pipe: { url: `${pipe.url}/v1/audio/transcriptions`, ...engineForm },
    v1: { url: `${orchestratorUrl}/v1/audio/transcriptions`, ...v1Form },
    api: { url: `${orchestratorUrl}/api/transcribe`, ...multipart({ language: 'en' }, file) },
    // The client's request as to our front door, plus Portkey's routing headers: the OpenAI provider with
    // the engine as its custom host (loopback is on Portkey's default list of trusted custom hosts).
    portkey: {
      url: `${portkey?.url ?? ''}/v1/audio/transcriptions`,
      ...v1Form,
      headers: {
        authorization: 'Bearer bench',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${engine.url}/v1`,
      },
    },
    base: { url: `${baseline?.url ?? ''}/v1/audio/transcriptions`, ...v1Form },
  };
  const samples: Record<Path, Sample[]> = { direct: [], pipe: [], v1: [], api: [], portkey: [], base: [] };
  /** When the paced client handed over its last chunk, for the request under way. */
  let pacedLast = 0n;
  async function* paced(body: Buffer): AsyncGenerator<Buffer> {
    for (let at = 0; at < body.length; at += PACED_CHUNK) {
      if (at > 0) await new Promise((done) => setTimeout(done, PACE_MS));
      if (at + PACED_CHUNK >= body.length) pacedLast = process.hrtime.bigint();
      yield body.subarray(at, at + PACED_CHUNK);
    }
  }
  const send = async (
    path: Path,
    pace = false,
  ): Promise<{ status: number; text: string; sample: Sample; clientLast: number }> => {
    const { url, body, contentType, headers } = bodies[path];
    const reported = nextUpload();
    const started = process.hrtime.bigint();
    const answer = await request(url, {
      method: 'POST',
      body: pace ? Readable.from(paced(body)) : body,
      headers: {
        ...headers,
        'content-type': contentType,
        ...(pace ? { 'content-length': String(body.length) } : {}),
      },
      dispatcher,
    });
    const text = await answer.body.text();
    const finished = process.hrtime.bigint();
    if (answer.statusCode !== 200)
      throw new Error(`${path}: HTTP ${answer.statusCode} ${text.slice(0, 300)}`);
    const times = await reported;
    // Reports are paired by order; one that did not arrive within this request's own time (a stray or
    // missing upload, e.g. a retry by a proxy) would shift every later pairing, so it stops the run.
    const [firstByte, lastByte] = [BigInt(times.firstByte), BigInt(times.lastByte)];
    if (firstByte < started || lastByte > finished)
      throw new Error(`${path}: the engine's report is not this request's`);
    if (times.bytes < FILE_BYTES)
      throw new Error(`${path}: the engine received ${times.bytes} bytes, not the whole file`);
    const since = (at: bigint) => Number(at - started) / 1e6;
    return {
      status: answer.statusCode,
      text,
      sample: { total: since(finished), firstByte: since(firstByte), lastByte: since(lastByte) },
      // When the paced client handed over its last chunk (0 when not paced).
      clientLast: pace ? since(pacedLast) : 0,
    };
  };
  const once = async (path: Path): Promise<Sample> => (await send(path)).sample;
  const order: Path[] = [
    'direct',
    'pipe',
    'v1',
    'api',
    ...(portkey ? (['portkey'] as const) : []),
    ...(baseline ? (['base'] as const) : []),
  ];
  if (portkey) {
    // Once before timing: Portkey's answer is the engine's own transcript, not an error shaped as a 200.
    const [direct, peer] = [await send('direct'), await send('portkey')];
    if (!isDeepStrictEqual(JSON.parse(peer.text), JSON.parse(direct.text)))
      throw new Error(
        `portkey: answer ${peer.text.slice(0, 300)} is not the engine's ${direct.text.slice(0, 300)}`,
      );
  }
  for (let i = 0; i < WARMUP; i++) for (const path of order) await once(path);
  const random = seededRandom(option('seed', 18));
  const until = Date.now() + MAX_SECONDS * 1000;
  let done = 0;
  for (; done < requests && Date.now() < until; done++) {
    // A fresh order each round (a seeded shuffle): a rotation keeps each path right behind the same one,
    // which in an A/A run of two identical builds made the second 0.5–0.75 ms slower at p50.
    for (const path of shuffled(order, random)) samples[path].push(await once(path));
  }
  // The paced client (not in an A/B run): when the engine gets the first and last bytes of an upload that
  // arrives at network pace.
  const pacedOrder = order.filter((path) => path !== 'base');
  const pacedSamples: Partial<Record<Path, { firstByte: number; afterClientLast: number }[]>> = {};
  for (let round = 0; !baseline && round < PACED_ROUNDS && Date.now() < until; round++) {
    for (const path of shuffled(pacedOrder, random)) {
      const { sample, clientLast } = await send(path, true);
      (pacedSamples[path] ??= []).push({
        firstByte: sample.firstByte,
        afterClientLast: sample.lastByte - clientLast,
      });
    }
  }
  const exited = new Promise((stopped) => orchestrator.once('exit', stopped));
  orchestrator.kill('SIGTERM');
  await exited;
  if (baseline) {
    const baselineExited = new Promise((stopped) => baseline.process.once('exit', stopped));
    baseline.process.kill('SIGTERM');
    await baselineExited;
  }
  pipe.child.kill('SIGTERM');
  portkey?.child.kill('SIGTERM');
  engine.child.kill('SIGTERM');
  await dispatcher.close();

  const p = (path: Path, key: keyof Sample, at: number) =>
    percentile(
      samples[path].map((s) => s[key]),
      at,
    );
  const ms = (value: number) => value.toFixed(2);
  const direct = p('direct', 'total', 50);
  const added = (path: Path) => p(path, 'total', 50) - direct;
  const row = (name: string, path: Path) =>
    `| ${name} | ${ms(p(path, 'total', 50))} | ${ms(p(path, 'total', 95))} | ${path === 'direct' ? '—' : ms(added(path))} | ` +
    `${ms(p(path, 'firstByte', 50))} | ${ms(p(path, 'lastByte', 50))} |`;
  /** Each path's name in the tables. */
  const label: Record<Path, string> = {
    direct: 'engine direct',
    pipe: 'plain pipe proxy',
    v1: '`/v1/audio/transcriptions`',
    api: '`/api/transcribe`',
    portkey: `Portkey AI gateway ${portkey?.version ?? ''}`,
    base: 'baseline build',
  };
  const rows = [
    `| path | p50 total ms | p95 total ms | p50 added ms | first byte at engine, p50 ms | last byte at engine, p50 ms |`,
    `| --- | --- | --- | --- | --- | --- |`,
    row(`${label.direct} (baseline)`, 'direct'),
    row(`${label.pipe} (floor of a second hop)`, 'pipe'),
    row(label.v1, 'v1'),
    row(label.api, 'api'),
    ...(portkey ? [row(`${label.portkey} (\`/v1/audio/transcriptions\`, peer)`, 'portkey')] : []),
  ];
  const ours = added('v1') - added('pipe');
  const theirs = portkey ? added('portkey') - added('pipe') : 0;
  const peer = portkey
    ? ` Beyond the pipe proxy, our front door adds ${ms(ours)} ms and the Portkey AI gateway ${ms(theirs)} ms ` +
      `(ours/Portkey ${(ours / theirs).toFixed(2)}); Portkey's engine gets the first byte ${ms(p('portkey', 'firstByte', 50))} ms after the client starts.`
    : '';
  const pacedP50 = (path: Path, key: 'firstByte' | 'afterClientLast') =>
    percentile(
      (pacedSamples[path] ?? []).map((s) => s[key]),
      50,
    );
  const pacedRounds = pacedSamples.direct?.length ?? 0;
  const pacedRows =
    pacedRounds === 0
      ? []
      : [
          '',
          `The same upload from a paced client (${PACED_CHUNK / 1024} KiB every ${PACE_MS} ms, about ` +
            `${Math.round((PACED_CHUNK * 8) / (PACE_MS * 1000))} Mbit/s; the client's last chunk leaves ~${((FILE_BYTES / PACED_CHUNK - 1) * PACE_MS).toFixed(0)} ms after its first), ${pacedRounds} requests per path:`,
          '',
          "| path | first byte at engine, p50 ms after the client starts | engine's last byte after the client's last chunk, p50 ms |",
          '| --- | --- | --- |',
          ...pacedOrder.map(
            (path) =>
              `| ${label[path]} | ${ms(pacedP50(path, 'firstByte'))} | ${ms(pacedP50(path, 'afterClientLast'))} |`,
          ),
        ];
  const table = [
    `<!-- frontdoor:start (generated by npm run bench:frontdoor; ${new Date().toISOString()}) -->`,
    `${done} sequential requests per path (1 MB WAV, loopback, after ${WARMUP} warm-up rounds); load average before the run ${loadBefore.toFixed(2)}.`,
    '',
    ...rows,
    '',
    `Added latency of the OpenAI front door: ${ms(added('v1'))} ms at p50 over the direct call whose own upload takes ${ms(p('direct', 'lastByte', 50))} ms ` +
      `(ratio ${(p('v1', 'total', 50) / direct).toFixed(2)}); ${ms(ours)} ms beyond the plain pipe proxy ` +
      `(whose own second hop adds ${ms(added('pipe'))} ms). The engine gets the first byte ${ms(p('v1', 'firstByte', 50))} ms after the client starts ` +
      `(direct: ${ms(p('direct', 'firstByte', 50))} ms; \`/api/transcribe\`: ${ms(p('api', 'firstByte', 50))} ms).${peer}`,
    ...pacedRows,
    '<!-- frontdoor:end -->',
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (baseline) {
    // An A/B run compares two builds; its table is not the README's.
    process.stdout.write(
      `A/B: \`/v1/audio/transcriptions\` p50 ${ms(p('v1', 'total', 50))} ms (${dist}) vs ${ms(p('base', 'total', 50))} ms ` +
        `(${baselineDist}); beyond the pipe proxy ${ms(p('v1', 'total', 50) - p('pipe', 'total', 50))} vs ` +
        `${ms(p('base', 'total', 50) - p('pipe', 'total', 50))} ms; ratio this/baseline ${(p('v1', 'total', 50) / p('base', 'total', 50)).toFixed(3)}\n`,
    );
    return;
  }
  const readmePath = resolve(__dirname, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const section = /<!-- frontdoor:start[\s\S]*?<!-- frontdoor:end -->/;
  // A profiled run is slowed by the profiler: its figures are not the table's.
  if (profileDir) process.stdout.write(`(profiled run: table not written; profile in ${profileDir})\n`);
  else if (section.test(readme)) writeFileSync(readmePath, readme.replace(section, table));
  else process.stdout.write('(no frontdoor markers in bench/README.md: table not written)\n');
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
