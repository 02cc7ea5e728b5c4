/**
 * The real-time benchmark: the same load against a bare Socket.IO server and against the orchestrator, one
 * after the other in one run, comparing round trips and resident memory per connection.
 *   npm run bench:realtime -- --connections 2000 --duration 30 [--rounds 2] [--heartbeat 25] [--rate 500]
 *   npm run bench:realtime -- --connections 9000 --duration 60 --redis redis://127.0.0.1:6379   (two instances)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { io } from 'socket.io-client';
import { formatReport, runLoad, type LoadReport } from './load-run';
import { LIMITS } from './load-options';

const ROOT = resolve(__dirname, '..');
/** Connections opened per second; faster ramps measure the machine's handshake capacity, not holding. */
const RAMP_RATE = option('rate', 500, LIMITS.rate);
const TS_NODE = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];

interface Target {
  name: string;
  start(port: number, connections: number, heartbeat: number, env?: Record<string, string>): ChildProcess;
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
    start: (port, connections, _heartbeat, env = {}) =>
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
          // The benchmark measures holding connections; the per-address handshake budget would refuse the
          // ramp from eight loopback addresses, which is not what is being measured.
          RATE_LIMIT_WEBSOCKET: '0',
          ...env,
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

interface Started {
  child: ChildProcess;
  url: string;
  baselineRss: number;
}

async function start(
  target: Target,
  connections: number,
  heartbeat: number,
  env?: Record<string, string>,
): Promise<Started> {
  const port = await freePort();
  const child = target.start(port, connections, heartbeat, env);
  try {
    await waitForPort(port, child, 120_000);
  } catch (error) {
    await stop(child);
    throw error;
  }
  // Let start-up allocations settle before the baseline.
  await new Promise((r) => setTimeout(r, 3000));
  return { child, url: `http://127.0.0.1:${port}`, baselineRss: rssBytes(child.pid!) };
}

function load(
  name: string,
  server: Started,
  connections: number,
  duration: number,
  heartbeat: number,
  whileHeld: () => Promise<void> | void = () => undefined,
): Promise<Row> {
  let heldRss = NaN;
  return runLoad(
    {
      url: server.url,
      connections,
      duration,
      rate: RAMP_RATE,
      heartbeat,
      translateEvery: 0,
      addresses: 8,
      json: false,
    },
    (line) => process.stderr.write(`[${name}] ${line}\n`),
    async () => {
      heldRss = rssBytes(server.child.pid!);
      await whileHeld();
    },
  ).then((report) => ({ name, load: loadavg()[0], report, baselineRss: server.baselineRss, heldRss }));
}

async function measure(
  target: Target,
  connections: number,
  duration: number,
  heartbeat: number,
): Promise<Row> {
  const server = await start(target, connections, heartbeat);
  try {
    return await load(target.name, server, connections, duration, heartbeat);
  } finally {
    await stop(server.child);
  }
}

/**
 * Two orchestrators sharing Redis (Socket.IO Redis adapter, Redis sessions), each holding `connections`, with
 * one session joined from both: the second joiner must see both participants.
 */
async function measureCluster(
  redisUrl: string,
  connections: number,
  duration: number,
  heartbeat: number,
): Promise<Row[]> {
  const orchestrator = TARGETS[1];
  const servers = await Promise.all(
    [0, 1].map(() => start(orchestrator, connections, heartbeat, { REDIS_URL: redisUrl })),
  );
  let spanned = false;
  const checkSpan = async (): Promise<void> => {
    const sessionId = `bench-span-${Date.now()}`;
    const [a, b] = servers.map((server) =>
      io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false }),
    );
    try {
      await a.timeout(10_000).emitWithAck('service_message', { type: 'join_session', session_id: sessionId });
      const joined = (await b
        .timeout(10_000)
        .emitWithAck('service_message', { type: 'join_session', session_id: sessionId })) as {
        participants?: unknown[];
      };
      spanned = joined.participants?.length === 2;
    } finally {
      a.close();
      b.close();
    }
  };
  try {
    const rows = await Promise.all(
      servers.map((server, index) =>
        load(
          `orchestrator ${index + 1} (Redis)`,
          server,
          connections,
          duration,
          heartbeat,
          index === 0 ? checkSpan : undefined,
        ),
      ),
    );
    process.stderr.write(`session spanning both instances: ${spanned ? 'yes' : 'NO'}\n`);
    return rows;
  } finally {
    await Promise.all(servers.map((server) => stop(server.child)));
  }
}

async function main(): Promise<void> {
  const connections = option('connections', 2000, LIMITS.connections);
  const duration = option('duration', 30, LIMITS.duration);
  const heartbeat = option('heartbeat', 25, 3600);
  // Alternating rounds spread the other load on a shared machine over both servers alike.
  const rounds = option('rounds', 1, 10);
  const redisIndex = process.argv.indexOf('--redis');
  const rows: Row[] = [];
  if (redisIndex >= 0) {
    const redisUrl = process.argv[redisIndex + 1] ?? '';
    if (!/^redis:\/\/(127\.|localhost)/.test(redisUrl))
      throw new Error('--redis needs a loopback redis:// URL');
    rows.push(...(await measureCluster(redisUrl, connections, duration, heartbeat)));
  }
  for (let round = 0; round < (redisIndex >= 0 ? 0 : rounds); round++) {
    for (const target of TARGETS) {
      const row = await measure(target, connections, duration, heartbeat);
      process.stderr.write(`${formatReport(row.report)}\n`);
      rows.push(row);
    }
  }
  const perConnection = (row: Row): number =>
    (row.heldRss - row.baselineRss) / Math.max(1, row.report.connected);
  const bareRows = rows.filter((row) => row.name === TARGETS[0].name);
  const bare = bareRows.reduce((sum, row) => sum + perConnection(row), 0) / Math.max(1, bareRows.length);
  const lines = [
    `Real-time benchmark: ${connections} connections${redisIndex >= 0 ? ' on each of two instances sharing Redis' : ''} held ${duration} s, heartbeat every ${heartbeat} s, loopback`,
    '',
    '| server | connected | unexpected disconnects | errors | heartbeat RTT p50 / p95 / p99 (ms) | msg/s | RSS per connection | vs bare (mean) | load avg |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((row) => {
      const r = row.report;
      const kib = perConnection(row) / 1024;
      return `| ${row.name} | ${r.connected}/${r.requested} | ${r.unexpectedDisconnects} | ${Object.values(r.errors).reduce((a, b) => a + b, 0)} | ${r.heartbeatRtt.p50} / ${r.heartbeatRtt.p95} / ${r.heartbeatRtt.p99} | ${r.messagesPerSecond} | ${kib.toFixed(1)} KiB | ${bareRows.length > 0 ? `${(perConnection(row) / bare).toFixed(2)}x` : 'n/a'} | ${row.load.toFixed(1)} |`;
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
