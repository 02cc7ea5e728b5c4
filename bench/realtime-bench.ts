/**
 * The real-time benchmark: the same load against a bare Socket.IO server and against the orchestrator, one
 * after the other in one run, comparing round trips and resident memory per connection.
 *   npm run bench:realtime -- --connections 2000 --duration 30
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { formatReport, runLoad, type LoadReport } from './load-run';
import { LIMITS } from './load-options';

const ROOT = resolve(__dirname, '..');
const TS_NODE = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];

interface Target {
  name: string;
  start(port: number, connections: number, heartbeat: number): ChildProcess;
}

const TARGETS: Target[] = [
  {
    name: 'bare Socket.IO',
    start: (port, _connections, heartbeat) =>
      spawn(process.execPath, [...TS_NODE, 'bench/bare-server.ts', String(port), String(heartbeat)], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
  },
  {
    name: 'orchestrator',
    start: (port, connections) =>
      spawn(process.execPath, [...TS_NODE, 'apps/orchestration/src/main.ts'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: {
          PATH: process.env.PATH,
          TS_NODE_PROJECT: 'tsconfig.json',
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'warn',
          WEBSOCKET_MAX_CONNECTIONS: String(connections + 100),
        },
      }),
  },
];

function option(name: string, fallback: number, max: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value < 1 || value > max) throw new Error(`--${name} must be 1..${max}`);
  return value;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server on ${port} not ready within ${timeoutMs} ms`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(killer);
}

interface Row {
  name: string;
  /** 1-minute load average at the end of the hold: this machine is shared, and the numbers move with it. */
  load: number;
  report: LoadReport;
  baselineRss: number;
  heldRss: number;
}

async function measure(
  target: Target,
  connections: number,
  duration: number,
  heartbeat: number,
): Promise<Row> {
  const port = await freePort();
  const child = target.start(port, connections, heartbeat);
  try {
    await waitForPort(port, child, 120_000);
    // Let start-up allocations settle before the baseline.
    await new Promise((r) => setTimeout(r, 3000));
    const baselineRss = rssBytes(child.pid!);
    let heldRss = NaN;
    const report = await runLoad(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        duration,
        rate: 1000,
        heartbeat,
        translateEvery: 0,
        addresses: 8,
        json: false,
      },
      (line) => process.stderr.write(`[${target.name}] ${line}\n`),
      () => {
        heldRss = rssBytes(child.pid!);
      },
    );
    return { name: target.name, load: loadavg()[0], report, baselineRss, heldRss };
  } finally {
    await stop(child);
  }
}

async function main(): Promise<void> {
  const connections = option('connections', 2000, LIMITS.connections);
  const duration = option('duration', 30, LIMITS.duration);
  const heartbeat = option('heartbeat', 25, 3600);
  // Alternating rounds spread the other load on a shared machine over both servers alike.
  const rounds = option('rounds', 1, 10);
  const rows: Row[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const target of TARGETS) {
      const row = await measure(target, connections, duration, heartbeat);
      process.stderr.write(`${formatReport(row.report)}\n`);
      rows.push(row);
    }
  }
  const perConnection = (row: Row): number =>
    (row.heldRss - row.baselineRss) / Math.max(1, row.report.connected);
  const bareRows = rows.filter((row) => row.name === TARGETS[0].name);
  const bare = bareRows.reduce((sum, row) => sum + perConnection(row), 0) / bareRows.length;
  const lines = [
    `Real-time benchmark: ${connections} connections held ${duration} s, heartbeat every ${heartbeat} s, loopback`,
    '',
    '| server | connected | unexpected disconnects | errors | heartbeat RTT p50 / p95 / p99 (ms) | msg/s | RSS per connection | vs bare (mean) | load avg |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((row) => {
      const r = row.report;
      const kib = perConnection(row) / 1024;
      return `| ${row.name} | ${r.connected}/${r.requested} | ${r.unexpectedDisconnects} | ${Object.values(r.errors).reduce((a, b) => a + b, 0)} | ${r.heartbeatRtt.p50} / ${r.heartbeatRtt.p95} / ${r.heartbeatRtt.p99} | ${r.messagesPerSecond} | ${kib.toFixed(1)} KiB | ${(perConnection(row) / bare).toFixed(2)}x | ${row.load.toFixed(1)} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
