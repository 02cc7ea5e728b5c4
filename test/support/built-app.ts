import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './free-port';

const ROOT = resolve(__dirname, '..', '..');
export const BUILT_MAIN = resolve(ROOT, 'dist', 'apps', 'orchestration', 'src', 'main.js');

/** Rebuilds when dist is missing or older than a source, the same test scripts/start.sh makes. */
const BUILD_IF_STALE = [
  'main=dist/apps/orchestration/src/main.js',
  'if [ -f "$main" ] && [ -z "$(find apps libs -name \'*.ts\' -newer "$main" -print -quit)" ]; then exit 0; fi',
  'npx nest build orchestration >/dev/null 2>&1 || [ -f "$main" ]',
].join('; ');

/**
 * The production entry point as `npm run build` leaves it. scripts/test.sh builds before jest; a run
 * without a build, or with sources changed since (one test file by hand), builds here first. The build runs
 * under a lock, so test files in parallel workers do not build over each other; tsc emits despite type
 * errors, which fail scripts/test.sh's own build step rather than these tests.
 */
export function ensureBuiltApp(): string {
  execFileSync('flock', [join(tmpdir(), 'orchestration-test-build.lock'), 'sh', '-c', BUILD_IF_STALE], {
    cwd: ROOT,
    stdio: 'ignore',
    timeout: 240_000,
  });
  return BUILT_MAIN;
}

/** The built service as its own process (`node dist/.../main.js`), as a container runs it. */
export interface BuiltAppProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr together. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * Starts the built app on a free loopback port with only the given environment (plus PATH), from the
 * repository root so config/orchestration.yaml applies. Does not wait for readiness: see waitUntilLive.
 */
export async function spawnBuiltApp(env: Record<string, string>): Promise<BuiltAppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [ensureBuiltApp()], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { url: `http://127.0.0.1:${port}`, child, output: () => output, exited };
}

/** Polls /api/health/live until it answers 200; fails early if the process exits. */
export async function waitUntilLive(app: BuiltAppProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null)
      throw new Error(`the app exited (${app.child.exitCode}): ${app.output()}`);
    const live = await fetch(`${app.url}/api/health/live`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (live) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the app was not live within ${timeoutMs} ms: ${app.output()}`);
}

/** Stops the process if it still runs (SIGKILL after 5 s), so a failing test leaves nothing behind. */
export async function killBuiltApp(app: BuiltAppProcess): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 5000);
  app.child.kill('SIGTERM');
  await app.exited;
  clearTimeout(timer);
}
