/**
 * Gateway benchmark: a small GET hit directly on a backend, through the orchestrator's proxy, and through
 * Debian's nginx as a reverse proxy (plain, and tuned with upstream keep-alive), in one run on loopback.
 * Backend, orchestrator and nginx each run in their own process; this process drives them with autocannon,
 * first at 50 connections (throughput) and then at 1 connection (latency without queueing), and writes the
 * table into bench/README.md under "Gateway".
 *
 *   LOG_LEVEL=warn npm run bench:gateway [-- --duration 10 --connections 50]
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { freePort } from '../test/support/free-port';
import { autocannon, type LoadResult } from './autocannon';
import { CpuMeter } from './process-cpu';

const NGINX = '/usr/sbin/nginx';
const BODY = JSON.stringify({ status: 'healthy', service: 'bench' });
const WARMUP_SECONDS = 2;
const STARTUP_SECONDS = 30;
/** A load average above this before the run means other jobs share the cores. */
const BUSY_LOAD = 1.5;
/** Sequential requests for the latency figures: bounded in count and in time. */
const LATENCY_REQUESTS = 3000;
const LATENCY_SECONDS = 5;

/**
 * `node-proxy` is a bare Node http server forwarding with undici (no framework, no policies): what any Node
 * proxy costs. `app-route` is the orchestrator answering a trivial route itself: the framework's own floor.
 */
type Target = 'direct' | 'gateway' | 'nginx-plain' | 'nginx-keepalive' | 'node-proxy' | 'app-route';
const TARGETS: Target[] = ['direct', 'gateway', 'nginx-plain', 'nginx-keepalive', 'node-proxy', 'app-route'];

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? NaN : Number(process.argv[index + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Child mode: the backend, a minimal Node server answering a small JSON document. */
function serveBackend(): void {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
    res.end(BODY);
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

/** Child mode: the bare Node proxy, reading the small answer whole like the gateway does. */
function serveNodeProxy(backendUrl: string): void {
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const server = createServer((req, res) => {
    agent
      .request({ origin: backendUrl, path: req.url ?? '/', method: 'GET', headersTimeout: 0 })
      .then(async ({ statusCode, headers, body }) => {
        const bytes = Buffer.from(await body.arrayBuffer());
        res.writeHead(statusCode, {
          'content-type': String(headers['content-type']),
          'content-length': bytes.length,
        });
        res.end(bytes);
      })
      .catch(() => res.destroy());
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

/**
 * The real orchestrator as production runs it (`node dist/...`, built by the npm script first), with the
 * backend as its only whisper instance.
 */
async function startGateway(backendUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(__dirname, '../dist/apps/orchestration/src/main.js')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      WHISPER_SERVICE_URL: backendUrl,
      // One client at thousands of requests per second is not what the rate limits are for.
      RATE_LIMIT_PROXY: '0',
      RATE_LIMIT_API: '0',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${url}/api/health/live`, child, 'the orchestrator');
  return { child, url };
}

async function waitUntilAnswering(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + STARTUP_SECONDS * 1000;
  while (
    !(await fetch(url).then(
      (answer) => answer.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${what} did not start`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('a benchmark server did not start');
  return child.pid;
}

function startChild(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(__filename, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
  });
  return new Promise((done, fail) => {
    child.once('message', (message: { port: number }) =>
      done({ child, url: `http://127.0.0.1:${message.port}` }),
    );
    child.once('exit', (code) => fail(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

type NginxSetup = 'plain' | 'keepalive';

/**
 * nginx in two setups. `plain`: Debian's stock settings that matter here (`worker_processes auto`,
 * `worker_connections 768`, sendfile, tcp_nopush) and a bare `proxy_pass`, which speaks HTTP/1.0 to the
 * upstream and opens a connection per request. `keepalive`: the tuned one, one worker (like the one Node
 * process) with an upstream keep-alive pool, the stricter baseline. Access logs off in both, as in the
 * orchestrator at LOG_LEVEL=warn.
 */
async function startNginx(
  backendUrl: string,
  setup: NginxSetup,
): Promise<{ stop: () => void; url: string; pid: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-nginx-'));
  const port = await freePort();
  const upstream = new URL(backendUrl).host;
  const routing =
    setup === 'plain'
      ? `server { listen 127.0.0.1:${port}; location / { proxy_pass http://${upstream}; } }`
      : `upstream backend { server ${upstream}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }`;
  const config = `
worker_processes ${setup === 'plain' ? 'auto' : 1};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections ${setup === 'plain' ? 768 : 4096}; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${routing}
}`;
  writeFileSync(join(dir, 'nginx.conf'), config);
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    stdio: 'inherit',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${url}/health`, child, 'nginx');
  return {
    url,
    // The master: its workers are counted with it.
    pid: pidOf(child),
    stop: () => {
      child.kill('SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface LoadRun {
  load: LoadResult;
  /** CPU time of the answering server's processes per request: steadier than req/s on a shared machine. */
  serverCpuMicros: number;
}

/** Throughput at `connections`; a handful of connection errors on a busy machine is reported, not fatal. */
async function measure(
  url: string,
  connections: number,
  duration: number,
  serverPid: number,
): Promise<LoadRun> {
  const meter = new CpuMeter([{ name: 'server', pids: () => [serverPid], tree: true }]);
  meter.start();
  const load = await autocannon({ url, connections, duration });
  const percentOfCore = meter.stop().server;
  if (load.non2xx || load.errors > load.requests.total / 100 || load.timeouts) {
    throw new Error(`${url}: ${load.non2xx} non-2xx, ${load.errors} errors, ${load.timeouts} timeouts`);
  }
  return { load, serverCpuMicros: ((percentOfCore / 100) * duration * 1e6) / load.requests.total };
}

interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

/**
 * One request at a time on one keep-alive connection, timed with a sub-millisecond clock (autocannon's
 * histogram counts whole milliseconds, too coarse for the latency a proxy adds).
 */
async function sequentialLatency(url: string, rounds: number): Promise<Latency> {
  const agent = new Agent({ connections: 1 });
  const durations: number[] = [];
  const deadline = Date.now() + (LATENCY_SECONDS * 1000) / rounds;
  try {
    while (durations.length < LATENCY_REQUESTS / rounds && Date.now() < deadline) {
      const started = performance.now();
      const { statusCode, body } = await agent.request({
        origin: new URL(url).origin,
        path: new URL(url).pathname,
        method: 'GET',
      });
      await body.arrayBuffer();
      if (statusCode !== 200) throw new Error(`${url}: status ${statusCode}`);
      durations.push(performance.now() - started);
    }
  } finally {
    await agent.close();
  }
  durations.sort((a, b) => a - b);
  const rank = (p: number) => Math.round(durations[Math.ceil(p * durations.length) - 1] * 100) / 100;
  return { p50: rank(0.5), p99: rank(0.99), samples: durations.length };
}

interface Row {
  target: Target;
  throughput: LoadRun;
  single: Latency;
}

/** The run whose `key` is the median: its other figures (latencies) stay consistent with it. */
function medianBy<T>(runs: T[], key: (run: T) => number): T {
  return [...runs].sort((a, b) => key(a) - key(b))[Math.floor((runs.length - 1) / 2)];
}

function table(rows: Row[], connections: number, duration: number, rounds: number): string {
  const byTarget = Object.fromEntries(rows.map((row) => [row.target, row])) as Record<Target, Row>;
  const lines = [
    `| target | req/s (${connections} conn) | p50 ms | p99 ms | errors | own CPU µs/req | p50 ms (1 conn) | p99 ms (1 conn) |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      ({ target, throughput: { load, serverCpuMicros }, single }) =>
        `| ${target} | ${Math.round(load.requests.average)} | ${load.latency.p50} | ${load.latency.p99} | ${load.errors} | ${Math.round(serverCpuMicros)} | ${single.p50} | ${single.p99} |`,
    ),
  ];
  const rps = (target: Target) => byTarget[target].throughput.load.requests.average;
  const ratio = (a: Target, b: Target) => `${Math.round((rps(a) / rps(b)) * 100)}%`;
  const atLeast60 = (baseline: Target) =>
    `${rps('gateway') >= 0.6 * rps(baseline) ? 'met' : 'not met'} (${ratio('gateway', baseline)})`;
  const added = byTarget.gateway.single.p50 - byTarget.direct.single.p50;
  return [
    ...lines,
    '',
    `- gateway / nginx throughput: **${ratio('gateway', 'nginx-plain')}** of the plain nginx, **${ratio('gateway', 'nginx-keepalive')}** of nginx with upstream keep-alive; gateway / direct: ${ratio('gateway', 'direct')}`,
    `- bare Node proxy / nginx with keep-alive: ${ratio('node-proxy', 'nginx-keepalive')}; gateway / bare Node proxy: ${ratio('gateway', 'node-proxy')}; gateway / its own trivial route (\`app-route\`): ${ratio('gateway', 'app-route')}`,
    `- latency added by the gateway at p50 (1 connection): **${added.toFixed(2)} ms**`,
    '',
    'Against the targets of issue 3 (on this run):',
    `- at least 5,000 proxied req/s: ${rps('gateway') >= 5000 ? 'met' : 'not met'} (${Math.round(rps('gateway'))})`,
    `- gateway throughput at least 60% of nginx's as a plain reverse proxy: ${atLeast60('nginx-plain')}`,
    `- the same against nginx tuned with upstream keep-alive (stricter than the issue asks): ${atLeast60('nginx-keepalive')}`,
    `- added p50 latency under 1 ms: ${added < 1 ? 'met' : 'not met'} (${added.toFixed(2)} ms)`,
    `- ${duration} s per target at ${connections} connections, in ${rounds} rounds of ${(duration / rounds).toFixed(1)} s with the order rotated, after ${WARMUP_SECONDS} s warm-up; each row is the target's median round (autocannon, whole-ms latencies)`,
    '- own CPU: user + system time of the answering server (the backend for `direct`, the proxy otherwise, nginx with its workers) per request, over the round',
    `- 1-connection columns: sequential requests on one keep-alive connection (up to ${LATENCY_REQUESTS} or ${LATENCY_SECONDS} s per target, split over the rounds), timed to 0.01 ms; median round`,
  ].join('\n');
}

/** Replaces the "## Gateway" section of bench/README.md (or appends it), leaving other sections alone. */
function writeReadme(section: string): void {
  const path = resolve(__dirname, 'README.md');
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const start = text.indexOf('\n## Gateway\n');
  const next = start === -1 ? -1 : text.indexOf('\n## ', start + 1);
  const before = start === -1 ? text.trimEnd() : text.slice(0, start).trimEnd();
  const after = next === -1 ? '' : text.slice(next);
  writeFileSync(path, `${before}\n\n## Gateway\n\n${section}\n${after}`);
}

async function main(): Promise<void> {
  const duration = option('duration', 10);
  const connections = option('connections', 50);
  const rounds = option('rounds', 3);
  const loadBefore = loadavg()[0];
  const backend = await startChild(['--backend']);
  const gateway = await startGateway(backend.url);
  const nodeProxy = await startChild(['--node-proxy', backend.url]);
  const nginxPlain = await startNginx(backend.url, 'plain');
  const nginxKeepAlive = await startNginx(backend.url, 'keepalive');
  const urls: Record<Target, string> = {
    direct: `${backend.url}/health`,
    gateway: `${gateway.url}/api/whisper/health`,
    'nginx-plain': `${nginxPlain.url}/health`,
    'nginx-keepalive': `${nginxKeepAlive.url}/health`,
    'node-proxy': `${nodeProxy.url}/health`,
    'app-route': `${gateway.url}/api/health/live`,
  };
  const serverPid: Record<Target, number> = {
    direct: pidOf(backend.child),
    gateway: pidOf(gateway.child),
    'nginx-plain': nginxPlain.pid,
    'nginx-keepalive': nginxKeepAlive.pid,
    'node-proxy': pidOf(nodeProxy.child),
    'app-route': pidOf(gateway.child),
  };
  const runs = new Map<Target, { throughput: LoadRun[]; single: Latency[] }>(
    TARGETS.map((target) => [target, { throughput: [], single: [] }]),
  );
  try {
    for (const target of TARGETS) await measure(urls[target], connections, WARMUP_SECONDS, serverPid[target]);
    for (let round = 0; round < rounds; round++) {
      // Rotating the order spreads the other jobs' bursts over every target alike.
      const order = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length]);
      for (const target of order) {
        const run = runs.get(target);
        run?.throughput.push(await measure(urls[target], connections, duration / rounds, serverPid[target]));
        run?.single.push(await sequentialLatency(urls[target], rounds));
        console.log(
          `round ${round + 1} ${target}: ${Math.round(run?.throughput.at(-1)?.load.requests.average ?? 0)} req/s`,
        );
      }
    }
  } finally {
    nginxPlain.stop();
    nginxKeepAlive.stop();
    gateway.child.kill('SIGTERM');
    nodeProxy.child.disconnect();
    backend.child.disconnect();
  }
  const rows = TARGETS.map((target): Row => {
    const run = runs.get(target) ?? { throughput: [], single: [] };
    return {
      target,
      throughput: medianBy(run.throughput, (r) => r.load.requests.average),
      single: medianBy(run.single, (r) => r.p50),
    };
  });
  const loadAfter = loadavg()[0];
  const section = [
    'A small GET (`/health`, 52-byte JSON) from a Node backend, hit directly, through the orchestrator',
    "(`/api/whisper/health`), through nginx 1.22 as a plain reverse proxy (`nginx-plain`: Debian's stock worker",
    'settings and a bare `proxy_pass`, a new upstream connection per request) and tuned (`nginx-keepalive`: one',
    'worker, an upstream keep-alive pool), and through a bare Node http + undici proxy (no framework, no',
    'policies). `app-route` is the orchestrator answering `/api/health/live` itself: the cost of its HTTP',
    'stack and hooks without any proxying. Each server in its own process, the orchestrator from its build',
    '(`node dist/...`, as `npm start` runs it); autocannon and the latency client in this one. Command (it',
    'builds first):',
    '',
    '```',
    `LOG_LEVEL=warn npm run bench:gateway -- --duration ${duration} --connections ${connections} --rounds ${rounds}`,
    '```',
    '',
    table(rows, connections, duration, rounds),
    `- machine: ${availableParallelism()} cores, loopback, load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after${loadBefore > BUSY_LOAD ? ' (other jobs were using the same cores: absolute numbers are low and noisy, the ratios of targets measured in the same rotated rounds are the meaningful part)' : ''}`,
    `- run at ${new Date().toISOString()}`,
  ].join('\n');
  writeReadme(section);
  console.log(`\n${section}`);
}

const mode = process.argv[2];
if (mode === '--backend') serveBackend();
else if (mode === '--node-proxy') serveNodeProxy(process.argv[3]);
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
