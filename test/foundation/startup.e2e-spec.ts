import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';

const MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'orchestration', 'src', 'main.js');

interface Exit {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** Runs the built service (the test command builds it before jest) and collects how it ended. */
function run(
  env: Record<string, string>,
  untilMs: number,
  onStarted?: (port: number) => Promise<void>,
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), untilMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (onStarted && stdout.includes('listening on')) {
        const started = onStarted;
        onStarted = undefined;
        started(Number(env.PORT)).then(() => child.kill('SIGTERM'), reject);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('the built service', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npx nest build orchestration" first`);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ WHISPER_SERVICE_URL: 'not-a-url' }, 'WHISPER_SERVICE_URL'],
    [{ HEALTH_CHECK_INTERVAL: '-1' }, 'HEALTH_CHECK_INTERVAL'],
    [{ CONFIG_FILE: '/nonexistent.yaml' }, 'CONFIG_FILE'],
  ])('exits 1 on %j with one message naming %s', async (env, key) => {
    const result = await run(env, 15000);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Invalid configuration: ${key}`);
  });

  it('serves /api/health, and on SIGTERM drains and exits 0', async () => {
    const port = await freePort();
    let health: Response | undefined;
    const result = await run({ PORT: String(port) }, 20000, async () => {
      health = await fetch(`http://127.0.0.1:${port}/api/health`);
    });
    expect(health?.status).toBe(200);
    expect(result.stdout).toContain('SIGTERM received');
    expect(result.code).toBe(0);
  });

  it('also writes its JSON log lines to LOG_FILE, creating the directory', async () => {
    const port = await freePort();
    const file = join(mkdtempSync(join(tmpdir(), 'lt-logs-')), 'logs', 'orchestration.log');
    const result = await run({ PORT: String(port), LOG_FILE: file }, 20000, async () => {
      await fetch(`http://127.0.0.1:${port}/api/health/live`);
    });
    expect(result.code).toBe(0);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string });
    expect(lines.some((line) => line.msg.includes('listening on'))).toBe(true);
    expect(lines.some((line) => line.msg === 'request completed')).toBe(true);
  });

  it('logs JSON lines at debug level with --debug, the effective configuration among them, secrets redacted', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN, '--debug'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(port),
        SECRET_KEY: 'debug-secret-value',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 15000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await fetch(`http://127.0.0.1:${port}/api/health/live`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(lines.find((line) => line.msg === 'effective configuration')?.level).toBe(20);
    expect(stdout).not.toContain('debug-secret-value');
  });
});
