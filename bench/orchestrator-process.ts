import { fork, spawn, type ChildProcess } from 'node:child_process';
import { startApp } from '../test/support/app-harness';
import { freePort } from '../test/support/free-port';

/**
 * Processes the benchmarks measure apart from their own: the orchestrator (this file forked with --serve,
 * so its CPU and memory are told apart from the load client's and the fake engines', which stay in the
 * benchmark's process) and Redis as commonly deployed.
 */
export interface Orchestrator {
  url: string;
  child: ChildProcess;
  close(): Promise<void>;
  /**
   * The orchestrator's `process.memoryUsage()`; with `afterGc` (started with `exposeGc` only) right after a
   * full garbage collection: what its heap really retains, apart from garbage not collected yet.
   */
  memoryUsage(afterGc?: boolean): Promise<NodeJS.MemoryUsage>;
}

export function startOrchestrator(
  env: Record<string, string | undefined>,
  { exposeGc = false }: { exposeGc?: boolean } = {},
): Promise<Orchestrator> {
  const child = fork(__filename, ['--serve'], {
    env: { ...process.env, BENCH_ORCHESTRATOR_ENV: JSON.stringify(env) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [...process.execArgv, ...(exposeGc ? ['--expose-gc'] : [])],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((done, fail) => {
    child.once('message', (message: { url: string }) =>
      done({
        url: message.url,
        child,
        close: async () => {
          child.disconnect();
          await exited;
        },
        memoryUsage: (afterGc = false) => {
          if (afterGc && !exposeGc) throw new Error('memoryUsage(afterGc) needs exposeGc');
          return new Promise((answered) => {
            child.once('message', (reply: { memory: NodeJS.MemoryUsage }) => answered(reply.memory));
            child.send({ memoryUsage: { afterGc } });
          });
        },
      }),
    );
    child.once('exit', (code) => fail(new Error(`orchestrator exited with ${code}`)));
  });
}

async function serveOrchestrator(): Promise<void> {
  const app = await startApp(
    JSON.parse(process.env.BENCH_ORCHESTRATOR_ENV ?? '{}') as Record<string, string>,
  );
  process.send?.({ url: app.url });
  process.on('message', (message: { memoryUsage?: { afterGc: boolean } }) => {
    if (!message.memoryUsage) return;
    if (message.memoryUsage.afterGc) global.gc?.();
    process.send?.({ memory: process.memoryUsage() });
  });
  process.once('disconnect', () => {
    void app.close().finally(() => process.exit(0));
  });
}

/**
 * Redis as commonly deployed (no fsync per write). The test suites' Redis fsyncs every write (appendfsync
 * always) to survive restarts, which on this shared disk would dominate the BullMQ numbers.
 */
export async function startBenchRedis(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
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
    pid: child.pid ?? 0,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

if (require.main === module && process.argv[2] === '--serve') {
  serveOrchestrator().catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
