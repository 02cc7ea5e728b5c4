/**
 * Memory through a speech-to-text outage: a steady stream of 3-second WAV chunks (about 96 KB each, as the
 * dashboard sends them) to POST /api/pipeline/jobs from sessions that each send one chunk every 3 s, a
 * healthy phase, then the engine killed (every connection dropped, the port refusing) for the outage, then
 * the engine back. Per minute: jobs accepted and refused, the orchestrator's resident memory and, with
 * Redis, Redis's used_memory and resident size. Run once per driver (in-process, BullMQ); the healthy
 * phase is the baseline of the same run.
 *
 * Each minute also reads the orchestrator's V8 heap (used and total), and with Redis what its memory holds
 * by key group (`MEMORY USAGE` of every key). With --gc the heap is read right after a forced full garbage
 * collection (the orchestrator runs with --expose-gc), which tells what the process retains from garbage
 * not collected yet; the collection changes what follows, so the plain run is the product's behaviour.
 *
 * Usage: npm run bench:soak -- [--minutes 10] [--before 5] [--after 2] [--rate 9] [--driver both|in-process|bullmq] [--gc]
 *   --minutes is the outage's length; --before the healthy phase, long enough for the heap to reach its
 *   working size; a short trial: --minutes 1 --before 1 --after 1
 */
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { pipelineConfigFile } from '../test/pipeline/pipeline-harness';
import { tone } from '../test/support/wav';
import { startBenchRedis, startOrchestrator } from './orchestrator-process';

function option(name: string, fallback: number, min: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number ≥ ${min}`);
  return value;
}

const OUTAGE_MINUTES = option('minutes', 10, 1);
const BEFORE_MINUTES = option('before', 5, 1);
const AFTER_MINUTES = option('after', 2, 1);
const RATE = option('rate', 9, 1);
const DRIVER = process.argv[process.argv.indexOf('--driver') + 1];
const DRIVERS = ['in-process', 'bullmq'].filter(
  (d) => !process.argv.includes('--driver') || DRIVER === 'both' || DRIVER === d,
);
const FORCED_GC = process.argv.includes('--gc');
const CHUNK_SECONDS = 3;
const SAMPLE_MS = 5000;

/** The platform's whisper service, answering at once; `kill()` drops it like a crash, `restart()` brings it back. */
async function startEngine(): Promise<{ url: string; kill(): Promise<void>; restart(): Promise<void> }> {
  const body = JSON.stringify({
    text: 'Good morning, my friend',
    segments: [],
    language: 'en',
    confidence: 0.9,
    processing_time: 0.01,
  });
  const sockets = new Set<Socket>();
  const server = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const health = request.url === '/health';
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(health ? '{"status":"healthy"}' : body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<number>((resolve) =>
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
  const port = await listen(0);
  return {
    url: `http://127.0.0.1:${port}`,
    kill: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    restart: async () => {
      await listen(port);
    },
  };
}

function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

interface Minute {
  minute: number;
  phase: 'healthy' | 'outage' | 'back';
  sent: number;
  accepted: number;
  refused: number;
  other: number;
  /** Answers other than 202 and 503 (status, or the connection error's code), with their counts. */
  otherReasons: Record<string, number>;
  rssMb: number;
  peakRssMb: number;
  /** V8's heap at the minute's end (with --gc right after a forced full collection): used / total. */
  heapUsedMb: number;
  heapTotalMb: number;
  redisUsedMb?: number;
  redisRssMb?: number;
  /** MB per key group (see KEY_GROUPS). */
  redisKeys?: Record<string, number>;
}

/** Key groups of the Redis breakdown, first match wins (keys under the default `lt:` prefix). */
const KEY_GROUPS: [string, RegExp][] = [
  ['job records', /^lt:pipeline:job:/],
  ['audio', /^lt:pipeline:audio:/],
  ['pipeline other', /^lt:pipeline:/],
  ['BullMQ events', /^lt:bull:[^:]+:events$/],
  ['BullMQ jobs', /^lt:bull:[^:]+:[^:]+$/],
  ['BullMQ other', /^lt:bull:/],
  ['other', /./],
];

/** The breakdown's columns in the table; `rest` sums the other groups. */
const GROUP_COLUMNS = ['job records', 'audio', 'BullMQ jobs', 'BullMQ events', 'rest'];

/** What Redis's keys hold, by group, in MB (`MEMORY USAGE` of each key, its overhead included). */
async function redisBreakdown(client: Redis): Promise<Record<string, number>> {
  const bytes: Record<string, number> = Object.fromEntries(KEY_GROUPS.map(([name]) => [name, 0]));
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    const batch = client.pipeline();
    for (const key of keys) batch.memory('USAGE', key);
    const sizes = (await batch.exec()) ?? [];
    keys.forEach((key, i) => {
      const group = KEY_GROUPS.find(([, pattern]) => pattern.test(key))?.[0] ?? 'other';
      bytes[group] += Number(sizes[i]?.[1] ?? 0);
    });
  } while (cursor !== '0');
  return Object.fromEntries(Object.entries(bytes).map(([name, b]) => [name, mb(b)]));
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

async function soak(driver: string, redis?: { url: string; pid: number }): Promise<Minute[]> {
  const engine = await startEngine();
  const app = await startOrchestrator(
    {
      WHISPER_SERVICE_URL: engine.url,
      ...(redis ? { REDIS_URL: redis.url } : {}),
      // Default pipeline settings without the per-client rate limit (one client sends everything here);
      // the product's 10 s health check interval.
      CONFIG_FILE: pipelineConfigFile({ concurrency: 4 }),
      HEALTH_CHECK_INTERVAL: '10',
      // Every failed attempt is a warning; thousands of them would cost the orchestrator more than its work.
      LOG_LEVEL: 'error',
    },
    { exposeGc: true },
  );
  const redisClient = redis ? new Redis(redis.url) : undefined;
  const audio = new Blob([new Uint8Array(tone(CHUNK_SECONDS, 0.3))], { type: 'audio/wav' });
  const sessions = Math.round(RATE * CHUNK_SECONDS);
  const minutes: Minute[] = [];
  const total = BEFORE_MINUTES + OUTAGE_MINUTES + AFTER_MINUTES;
  let current: Minute | undefined;
  let stopped = false;
  let chunk = 0;

  const send = async (session: number) => {
    const minute = current;
    if (!minute) return;
    const form = new FormData();
    form.append('file', audio, 'chunk.wav');
    form.append('session_id', `${driver}-soak-${session}`);
    form.append('chunk_id', String((chunk += 1)));
    form.append('target_languages', '');
    minute.sent += 1;
    try {
      const response = await fetch(`${app.url}/api/pipeline/jobs`, { method: 'POST', body: form });
      await response.arrayBuffer();
      if (response.status === 202) minute.accepted += 1;
      else if (response.status === 503) minute.refused += 1;
      else {
        minute.other += 1;
        minute.otherReasons[response.status] = (minute.otherReasons[response.status] ?? 0) + 1;
      }
    } catch (error) {
      minute.other += 1;
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? 'fetch';
      minute.otherReasons[reason] = (minute.otherReasons[reason] ?? 0) + 1;
    }
  };
  // Each session sends a chunk every 3 s; the sessions are spread evenly over those 3 s.
  const timers = Array.from({ length: sessions }, (_, session) =>
    setTimeout(
      () => {
        void send(session);
        timers[session] = setInterval(() => void send(session), CHUNK_SECONDS * 1000);
      },
      (session * CHUNK_SECONDS * 1000) / sessions,
    ),
  );

  const peaks = { rss: 0, redisUsed: 0, redisRss: 0 };
  const sample = async () => {
    peaks.rss = Math.max(peaks.rss, residentBytes(app.child.pid ?? 0));
    if (redis && redisClient) {
      const info = await redisClient.info('memory');
      peaks.redisUsed = Math.max(peaks.redisUsed, Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0));
      peaks.redisRss = Math.max(peaks.redisRss, residentBytes(redis.pid));
    }
  };
  try {
    for (let m = 1; m <= total && !stopped; m++) {
      const phase =
        m <= BEFORE_MINUTES ? 'healthy' : m <= BEFORE_MINUTES + OUTAGE_MINUTES ? 'outage' : 'back';
      if (m === BEFORE_MINUTES + 1) await engine.kill();
      if (m === BEFORE_MINUTES + OUTAGE_MINUTES + 1) await engine.restart();
      current = {
        minute: m,
        phase,
        sent: 0,
        accepted: 0,
        refused: 0,
        other: 0,
        otherReasons: {},
        rssMb: 0,
        peakRssMb: 0,
        heapUsedMb: 0,
        heapTotalMb: 0,
      };
      peaks.rss = peaks.redisUsed = peaks.redisRss = 0;
      const end = Date.now() + 60_000;
      while (Date.now() < end) {
        await new Promise((r) => setTimeout(r, Math.min(SAMPLE_MS, end - Date.now())));
        await sample();
      }
      // The minute's figure is its last reading; the peak within it is reported beside it.
      const rss = residentBytes(app.child.pid ?? 0);
      current.rssMb = mb(rss);
      current.peakRssMb = mb(peaks.rss);
      if (redis && redisClient) {
        const info = await redisClient.info('memory');
        current.redisUsedMb = mb(Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0));
        current.redisRssMb = mb(residentBytes(redis.pid));
        current.redisKeys = await redisBreakdown(redisClient);
      }
      // After the minute's resident size, so that a forced collection does not change it.
      const heap = await app.memoryUsage(FORCED_GC);
      current.heapUsedMb = mb(heap.heapUsed);
      current.heapTotalMb = mb(heap.heapTotal);
      minutes.push(current);
      process.stdout.write(`${driver} ${JSON.stringify(current)}\n`);
    }
  } finally {
    stopped = true;
    current = undefined;
    timers.forEach((timer) => clearInterval(timer));
    redisClient?.disconnect();
    await app.close();
    await engine.kill().catch(() => undefined);
  }
  return minutes;
}

/** Outage minutes after the first, and the first minute back, against the last healthy minute. */
function verdict(minutes: Minute[], key: 'rssMb' | 'heapUsedMb' | 'redisUsedMb'): string {
  const value = (m: Minute) => m[key] ?? 0;
  const healthy = minutes.filter((m) => m.phase === 'healthy');
  const outage = minutes.filter((m) => m.phase === 'outage').slice(1);
  const back = minutes.find((m) => m.phase === 'back');
  const before = value(healthy[healthy.length - 1]);
  if (outage.length === 0 || !back || before === 0) return 'not enough minutes for a verdict';
  const low = Math.min(...outage.map(value));
  const high = Math.max(...outage.map(value));
  return (
    `outage after its first minute: ${low}–${high} MB, spread ${(((high - low) / low) * 100).toFixed(1)}% ` +
    `(target ≤ 10%), highest ${(high / before).toFixed(2)}× the pre-outage ${before} MB; ` +
    `first minute back: ${(value(back) / before).toFixed(2)}× pre-outage`
  );
}

function table(minutes: Minute[], withRedis: boolean): string {
  const header = [
    'minute',
    'phase',
    'sent',
    '202',
    '503',
    'other',
    'RSS MB (peak)',
    FORCED_GC ? 'heap after GC MB used / total' : 'heap MB used / total',
  ];
  if (withRedis) header.push('Redis used MB', 'Redis RSS MB', `Redis keys MB: ${GROUP_COLUMNS.join(' / ')}`);
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const m of minutes) {
    const reasons = Object.entries(m.otherReasons).map(([reason, count]) => `${count}× ${reason}`);
    const other = reasons.length > 0 ? `${m.other} (${reasons.join(', ')})` : m.other;
    const row: (string | number)[] = [m.minute, m.phase, m.sent, m.accepted, m.refused, other];
    row.push(`${m.rssMb} (${m.peakRssMb})`, `${m.heapUsedMb} / ${m.heapTotalMb}`);
    if (withRedis) {
      const keys = m.redisKeys ?? {};
      const rest = Object.entries(keys)
        .filter(([name]) => !GROUP_COLUMNS.includes(name))
        .reduce((sum, [, value]) => sum + value, 0);
      const groups = GROUP_COLUMNS.map((name) =>
        name === 'rest' ? mb(rest * 1024 * 1024) : (keys[name] ?? 0),
      );
      row.push(m.redisUsedMb ?? '', m.redisRssMb ?? '', groups.join(' / '));
    }
    lines.push(`| ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0].toFixed(1);
  const results: string[] = [];
  for (const driver of DRIVERS) {
    const redis = driver === 'bullmq' ? await startBenchRedis() : undefined;
    try {
      const minutes = await soak(driver, redis);
      results.push(`### ${driver}\n\n${table(minutes, Boolean(redis))}\n`);
      results.push(`orchestrator RSS: ${verdict(minutes, 'rssMb')}`);
      results.push(
        `orchestrator heap used${FORCED_GC ? ' after GC' : ''}: ${verdict(minutes, 'heapUsedMb')}`,
      );
      if (redis) results.push(`Redis used_memory: ${verdict(minutes, 'redisUsedMb')}`);
    } finally {
      await redis?.stop();
    }
  }
  process.stdout.write(`\n${results.join('\n\n')}\n\n`);
  process.stdout.write(
    `${RATE} chunks/s of ${CHUNK_SECONDS} s 16 kHz WAV from ${Math.round(RATE * CHUNK_SECONDS)} sessions, ` +
      `${BEFORE_MINUTES} min healthy, ${OUTAGE_MINUTES} min outage, ${AFTER_MINUTES} min back; default ` +
      `pipeline settings${FORCED_GC ? '; forced full GC before each heap reading' : ''}. ${cpus().length} cores; load average ${loadBefore} before, ` +
      `${loadavg()[0].toFixed(1)} after; ${new Date().toISOString()}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
