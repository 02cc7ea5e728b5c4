/**
 * The cost of instrumentation: proxied requests per second through the gateway with metrics on versus off,
 * in the same run. Two orchestrator processes (METRICS_ENABLED=true and =false) proxy to one loopback
 * backend. By default each round loads both at the same moment with autocannon, so whatever else the
 * machine is doing (other jobs, CPU frequency) hits both alike and the ratio stays meaningful on a shared
 * machine; `--alternate` loads them in turn instead, for a quiet machine where absolute figures matter.
 *
 *   npm run bench:metrics [-- --duration 5 --rounds 3 --connections 20 --alternate --calibrate]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Registry } from 'prom-client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OrchestrationConfig } from '@app/config';
import { HttpInstrumentation } from '../libs/analytics/src/metrics/http-instrumentation';
import { autocannon, type LoadResult } from './autocannon';

type Variant = 'on' | 'off';
const PROXIED_PATH = '/api/whisper/models';
/** JIT and connection pools settle before anything is counted. */
const WARMUP_SECONDS = 3;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** The smallest real backend: a fixed JSON answer, so the orchestrator is what is measured. */
function startBackend(): Promise<Server> {
  const body = JSON.stringify({ available_models: ['base'], loaded_models: ['base'], default_model: 'base' });
  const server = createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

/** Child mode: boot the real orchestrator with the given switch and report its port to the parent. */
async function serve(variant: Variant, backendUrl: string): Promise<void> {
  const { createOrchestrationApp } = await import('../apps/orchestration/src/bootstrap');
  const { app } = await createOrchestrationApp({
    env: {
      NODE_ENV: 'development',
      // Per-request info logs would dominate both variants; warnings still show.
      LOG_LEVEL: 'warn',
      METRICS_ENABLED: variant === 'on' ? 'true' : 'false',
      WHISPER_SERVICE_URL: backendUrl,
      // The benchmark is one client at thousands of requests per second: not what the limits are for.
      RATE_LIMIT_PROXY: '0',
      RATE_LIMIT_API: '0',
    },
    cwd: resolve(__dirname, '..'),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.send?.({ port });
  process.on('disconnect', () => {
    void app.close().finally(() => process.exit(0));
  });
}

function startOrchestrator(
  variant: Variant,
  backendUrl: string,
): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(__filename, ['--serve', variant, backendUrl], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((done, fail) => {
    child.once('message', (message: { port: number }) =>
      done({ child, url: `http://127.0.0.1:${message.port}` }),
    );
    child.once('exit', (code) => fail(new Error(`orchestrator (metrics ${variant}) exited with ${code}`)));
  });
}

/**
 * The hook's own cost per request, measured alone: a steadier figure than the load test on a busy machine,
 * and the upper bound of what instrumentation can take from each proxied request.
 */
function hookNanoseconds(): number {
  const config = { metrics: { enabled: true } } as OrchestrationConfig;
  // The hook is driven directly, so neither an HTTP adapter nor real requests are needed.
  const instrumentation = new HttpInstrumentation(undefined as never, new Registry(), config);
  const request = { method: 'GET', routeOptions: { url: '/api/whisper/*' }, is404: false } as FastifyRequest;
  const reply = { statusCode: 200, elapsedTime: 1.5 } as FastifyReply;
  const calls = 500_000;
  for (let i = 0; i < calls / 5; i++) instrumentation.observe(request, reply);
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) instrumentation.observe(request, reply);
  return Number(process.hrtime.bigint() - started) / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main(): Promise<void> {
  const duration = option('duration', 5);
  const rounds = option('rounds', 3);
  const connections = option('connections', 20);
  const concurrent = !process.argv.includes('--alternate');
  // Both processes with metrics on: the ratio then shows the set-up's own bias and noise (ideally 1.000).
  const calibrate = process.argv.includes('--calibrate');
  const startLoad = loadavg();
  const backend = await startBackend();
  const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  const orchestrators = {
    on: await startOrchestrator('on', backendUrl),
    off: await startOrchestrator(calibrate ? 'on' : 'off', backendUrl),
  };
  const results: Record<Variant, LoadResult[]> = { on: [], off: [] };
  const load = (variant: Variant, seconds: number) =>
    autocannon({ url: orchestrators[variant].url + PROXIED_PATH, connections, duration: seconds });
  try {
    await Promise.all([load('on', WARMUP_SECONDS), load('off', WARMUP_SECONDS)]);
    for (let round = 0; round < rounds; round++) {
      let measured: Record<Variant, LoadResult>;
      if (concurrent) {
        // Which one autocannon starts first alternates too, so neither gets a head start every round.
        if (round % 2 === 0) {
          const [on, off] = await Promise.all([load('on', duration), load('off', duration)]);
          measured = { on, off };
        } else {
          const [off, on] = await Promise.all([load('off', duration), load('on', duration)]);
          measured = { on, off };
        }
      } else {
        // Alternating order, so slow drift over the run falls on both variants alike.
        const first: Variant = round % 2 === 0 ? 'on' : 'off';
        const second: Variant = first === 'on' ? 'off' : 'on';
        const firstResult = await load(first, duration);
        measured = { [first]: firstResult, [second]: await load(second, duration) } as Record<
          Variant,
          LoadResult
        >;
      }
      for (const variant of ['on', 'off'] as const) {
        const result = measured[variant];
        if (result.non2xx || result.errors || result.timeouts) {
          throw new Error(
            `metrics ${variant}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
          );
        }
        results[variant].push(result);
      }
      process.stdout.write(
        `round ${round + 1}: on ${measured.on.requests.average.toFixed(0)} req/s, off ${measured.off.requests.average.toFixed(0)} req/s\n`,
      );
    }
  } finally {
    for (const { child } of Object.values(orchestrators)) child.disconnect();
    backend.close();
  }
  const on = median(results.on.map((r) => r.requests.average));
  const off = median(results.off.map((r) => r.requests.average));
  // A round's two runs share the machine's conditions, so their ratio is the least disturbed by other load.
  const pairedRatios = results.on.map((r, i) => r.requests.average / results.off[i].requests.average);
  const ratio = median(pairedRatios);
  const p99 = (variant: Variant) => median(results[variant].map((r) => r.latency.p99));
  process.stdout.write(
    [
      '',
      `GET ${PROXIED_PATH} via the gateway, ${connections} connections per variant, ${rounds} rounds x ${duration} s, ${concurrent ? 'both variants loaded at once' : 'variants in turn'}${calibrate ? ', CALIBRATION: metrics on in both' : ''}`,
      `load average at start ${startLoad.map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores`,
      '',
      '| metrics | requests/s (median) | p99 latency ms (median) |',
      '|---|---|---|',
      `| on | ${on.toFixed(0)} | ${p99('on')} |`,
      `| off | ${off.toFixed(0)} | ${p99('off')} |`,
      '',
      `per-round on/off ratios: ${pairedRatios.map((r) => r.toFixed(3)).join(', ')}`,
      `median on/off ratio ${ratio.toFixed(3)}: ${((1 - ratio) * 100).toFixed(1)}% fewer requests/s with instrumentation`,
      `HTTP hook alone: ${(hookNanoseconds() / 1000).toFixed(2)} µs per request`,
      '',
    ].join('\n'),
  );
}

if (process.argv[2] === '--serve') {
  serve(process.argv[3] as Variant, process.argv[4]).catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
