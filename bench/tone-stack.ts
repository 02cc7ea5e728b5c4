import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { killBuiltApp, spawnBuiltApp, waitUntilLive } from '../test/support/built-app';
import { writeConfigFile } from '../test/support/config-file';
import { makeToneScript, synthesizeToneSpeech } from '../test/support/tone-speech';
import type { ProcessGroup } from './process-cpu';
import { startToneEngineProcess, type EngineLatency, type ToneEngineProcess } from './tone-engine-process';
import type { StreamPlan } from './tone-stream-client';

/** Average tone-speech sentence: ~5.5 words of ~370 ms, 100 ms apart, and 850 ms to the next one. */
const SENTENCE_MS = 3400;

/**
 * Speech for `streams` clients of about `durationS` seconds each: client i speaks its own script (seed
 * 1000 + i, the same in every run) and starts at its own moment of the first 3 s, so frames and chunks of
 * different clients do not arrive in step.
 */
export function tonePlans(streams: number, durationS: number): StreamPlan[] {
  const sentences = Math.max(1, Math.round((durationS * 1000) / SENTENCE_MS));
  return Array.from({ length: streams }, (_, index) => ({
    index,
    speech: synthesizeToneSpeech(makeToneScript({ seed: 1000 + index, sentences }), { seed: 1000 + index }),
    startDelayMs: Math.round((index * 3000) / streams),
  }));
}

export interface ToneEngineSettings {
  engines: number;
  /** Decoder slots per engine. */
  slots: number;
  baseMs: number;
  rtf: number;
  /** Engine i's own latency, over baseMs and rtf (a mixed fast/slow pool). */
  latencies?: EngineLatency[];
  /**
   * The concurrency cap each engine is declared with (`url|weight|cap`), from which the orchestrator derives
   * its live decode slots; default: the engine's real slots. More than those lets decodes queue in the engine.
   */
  declaredSlots?: number;
  /** `streams.max_concurrent_decodes`, the optional upper bound on the derived slots; unset by default. */
  maxConcurrentDecodes?: number;
}

export interface ToneStack {
  /** One per orchestrator instance. */
  urls: string[];
  engines: ToneEngineProcess;
  /** The orchestrator, the engines and this process, for a CpuMeter. */
  processes: ProcessGroup[];
  stop(): Promise<void>;
}

/**
 * The built orchestrator (`node dist/...`, as production runs it) in its own process, with tone-speech
 * engines in another as its speech-to-text service and the energy detector for its live streams.
 */
export async function startToneStack(
  clients: number,
  settings: ToneEngineSettings,
  /**
   * Several instances share one Redis (REDIS_URL): sessions, finals and resumes span them. `pinCpu` keeps
   * every orchestrator process on that one CPU (`taskset`), to see whether one core carries the streams.
   */
  cluster: { instances: number; redisUrl?: string; pinCpu?: number } = { instances: 1 },
  /** More settings of the orchestrator (e.g. GATEWAY_ROUTING). */
  env: Record<string, string> = {},
): Promise<ToneStack> {
  const { engines: count, latencies, declaredSlots, maxConcurrentDecodes, ...engine } = settings;
  const engines = await startToneEngineProcess(count, { kind: 'openai', ...engine }, latencies);
  const config = writeConfigFile({
    // The chunked path runs through the pipeline: enough concurrent jobs that it does not queue behind itself.
    pipeline: { concurrency: Math.max(4, clients) },
    // Unless a run asks for a bound, no `streams` setting: the live decode slots follow the engines'
    // declared caps, as in the product's default configuration.
    ...(maxConcurrentDecodes === undefined
      ? {}
      : { streams: { max_concurrent_decodes: maxConcurrentDecodes } }),
  });
  const cap = Math.min(1000, declaredSlots ?? engine.slots);
  const apps = await Promise.all(
    Array.from({ length: cluster.instances }, () =>
      spawnBuiltApp({
        CONFIG_FILE: config.path,
        WHISPER_SERVICE_URL: engines.urls.map((url) => `${url}|1|${cap}`).join(','),
        WHISPER_SERVICE_KIND: 'openai',
        STREAM_VAD: 'energy',
        // Many clients from one loopback address is the benchmark, not an attack.
        RATE_LIMIT_WEBSOCKET: '0',
        WEBSOCKET_MAX_CONNECTIONS: String(clients + 100),
        ...(cluster.redisUrl ? { REDIS_URL: cluster.redisUrl } : {}),
        // E.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to see where the orchestrator's time goes.
        ...(process.env.BENCH_APP_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS } : {}),
        ...env,
      }),
    ),
  );
  const stop = async () => {
    await Promise.all(apps.map(killBuiltApp));
    // What the orchestrators logged (warnings and up), for a run whose figures need explaining.
    if (process.env.BENCH_APP_LOG)
      writeFileSync(process.env.BENCH_APP_LOG, apps.map((app) => app.output()).join('\n----\n'));
    await engines.stop();
    config.remove();
  };
  try {
    if (cluster.pinCpu !== undefined) {
      // Every thread (-a), the threads Node starts later inherit it from the main thread.
      for (const app of apps)
        execFileSync('taskset', ['-a', '-cp', String(cluster.pinCpu), String(app.child.pid)], {
          stdio: 'ignore',
        });
    }
    await Promise.all(apps.map((app) => waitUntilLive(app, 60_000)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls: apps.map((app) => app.url),
    engines,
    processes: [
      { name: 'orchestrator', pids: () => apps.map((app) => app.child.pid ?? 0), tree: false },
      { name: 'engine', pids: () => [engines.pid], tree: false },
      { name: 'clients', pids: () => [process.pid], tree: false },
    ],
    stop,
  };
}
