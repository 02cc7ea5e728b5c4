import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port';
import { allProcStats } from './proc-stat';

/** A real server process started for the tests, on loopback. */
export interface ExternalService {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Per jest run (several runs may share a machine); global setup exports it as TEST_SERVICES_DIR. */
export const SERVICES_DIR =
  process.env.TEST_SERVICES_DIR ?? join(__dirname, '..', '..', '.test-services', `run-${process.pid}`);

async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
  child: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${what} exited with code ${child.exitCode} before it was ready`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} was not ready within ${timeoutMs} ms`);
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * A real redis-server on loopback with append-only persistence, so tests that restart it find their data
 * again. `port` may be given to restart on the same address.
 */
export async function startRedis(name = 'redis', port?: number): Promise<ExternalService> {
  const chosen = port ?? (await freePort());
  const dir = join(SERVICES_DIR, `${name}-${chosen}`);
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(chosen),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
      '--protected-mode',
      'yes',
    ],
    { stdio: 'ignore' },
  );
  await waitFor(() => redisAnswers(chosen), 'redis-server', 10000, child);
  return { url: `redis://127.0.0.1:${chosen}`, port: chosen, process: child, stop: () => stopProcess(child) };
}

/** APY's own parallelism; each unset option keeps APY's default (one process, one pipeline per pair). */
export interface ApertiumOptions {
  /** `-j`: HTTP server processes, each with its own pipelines. */
  processes?: number;
  /** `-i`: translation pipelines APY may start per language pair (per process). */
  maxPipesPerPair?: number;
  /** `-u`: requests sharing one pipeline before APY starts another (up to `maxPipesPerPair`). */
  maxUsersPerPipe?: number;
}

/**
 * Debian's Apertium APY with the installed eng-spa pair. APY binds every interface and has no option for
 * the address, so it is started through a wrapper that pins Tornado's bind to loopback. Debian's python3 by
 * full path: a python3 earlier on PATH (pyenv) lacks Debian's tornado.
 */
export async function startApertium(options: ApertiumOptions = {}): Promise<ExternalService> {
  const port = await freePort();
  const flags = [
    ...(options.processes ? ['-j', String(options.processes)] : []),
    ...(options.maxPipesPerPair ? ['-i', String(options.maxPipesPerPair)] : []),
    ...(options.maxUsersPerPipe ? ['-u', String(options.maxUsersPerPipe)] : []),
  ];
  const argv = ['apertium-apy', '-p', String(port), ...flags, '/usr/share/apertium/modes'];
  const wrapper = [
    'import sys, tornado.tcpserver as t',
    'bind = t.TCPServer.bind',
    "t.TCPServer.bind = lambda self, port, address=None, *a, **k: bind(self, port, '127.0.0.1', *a, **k)",
    `sys.argv = ${JSON.stringify(argv)}`,
    'from apertium_apy.apy import main',
    'main()',
  ].join('\n');
  // With -j, Tornado forks the HTTP servers and restarts any that dies, and an orphaned one keeps serving:
  // start APY in its own process group and stop the whole group.
  const forks = (options.processes ?? 1) > 1;
  const child = spawn('/usr/bin/python3', ['-c', wrapper], { stdio: 'ignore', detached: forks });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${url}/listPairs`, { signal: AbortSignal.timeout(1000) })).ok,
    'apertium-apy',
    30000,
    child,
  );
  // The first translation starts the pair's pipeline; pay that once here rather than inside a test's timing.
  await fetch(`${url}/translate?langpair=eng|spa&q=hello`, { signal: AbortSignal.timeout(20000) });
  return { url, port, process: child, stop: () => (forks ? stopGroup(child) : stopProcess(child)) };
}

/** Processes of a process group that have not exited (zombies waiting to be reaped count as exited). */
function groupMembers(pgid: number): number[] {
  return allProcStats()
    .filter((stat) => stat.pgrp === pgid && stat.state !== 'Z')
    .map((stat) => stat.pid);
}

/**
 * SIGTERM to every process of the child's group; resolves once none of them runs any more (SIGKILL to the
 * group after 5 s). The leader exiting is not enough: a forked server may still be accepting connections.
 */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pgid = child.pid;
  if (!pgid) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // the group is gone already
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + 5000;
  while (groupMembers(pgid).length > 0) {
    if (Date.now() > deadline) {
      signalGroup('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
}

export function cleanServiceDirs(): void {
  rmSync(SERVICES_DIR, { recursive: true, force: true });
}
