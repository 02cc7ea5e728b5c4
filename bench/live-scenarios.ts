import { startRedis } from '../test/support/test-services';
import { CpuMeter } from './process-cpu';
import { summarise, type ModeRow } from './tone-report';
import { startToneStack, tonePlans, type ToneEngineSettings } from './tone-stack';
import type { LiveClientOptions } from './live-tone-client';
import type { StreamPlan } from './tone-stream-client';
import { runToneStreams } from './tone-streams';

/** Issue 16's benchmark scenarios, each on a fresh orchestrator and engines. */
export const SCENARIOS = [
  'fixed-4-decodes',
  'oversubscribed',
  'oversubscribed-engine-queue',
  'oversubscribed-redis',
  'engine-kill',
  'resume',
  'resume-under-load',
  'redis',
  'mixed-weighted',
  'mixed-speed',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface ScenarioSettings {
  streams: number;
  /** Seconds of speech per stream. */
  durationS: number;
  engine: Omit<ToneEngineSettings, 'engines'>;
  /** Decoder slots the live streams kept busy with ample capacity (measured): the 2:1 scenario gets half. */
  demandSlots: number;
  log: (line: string) => void;
}

/** How often one of the two engines is killed, and how long it stays down. */
const KILL_EVERY_MS = 30_000;
const DOWN_MS = 10_000;

async function liveRun(
  label: string,
  settings: ScenarioSettings,
  engine: ToneEngineSettings,
  cluster: { instances: number; redisUrl?: string; env?: Record<string, string> } = { instances: 1 },
  /** Starts something beside the streams; what it returns runs (and is awaited) before the stack stops. */
  during: (stack: Awaited<ReturnType<typeof startToneStack>>) => () => void | Promise<void> = () => () =>
    undefined,
  clientOptions: (plan: StreamPlan) => LiveClientOptions = () => ({}),
): Promise<ModeRow> {
  const plans = tonePlans(settings.streams, settings.durationS);
  const stack = await startToneStack(settings.streams, engine, cluster, cluster.env);
  try {
    const meter = new CpuMeter(stack.processes);
    meter.start();
    const stopDuring = during(stack);
    const outcomes = await runToneStreams(stack.urls, 'live', plans, settings.log, clientOptions).finally(
      stopDuring,
    );
    return summarise(label, outcomes, meter.stop());
  } finally {
    await stack.stop();
  }
}

/** Kills engine 0, 1, 0, ... every 30 s and restarts it 10 s later. */
function killEngines(
  stack: Awaited<ReturnType<typeof startToneStack>>,
  log: (line: string) => void,
): () => void {
  let round = 0;
  const timers = new Set<NodeJS.Timeout>();
  const every = setInterval(() => {
    const index = round++ % stack.engines.urls.length;
    log(`engine ${index} killed`);
    void stack.engines.kill(index);
    const restart = setTimeout(() => {
      timers.delete(restart);
      void stack.engines.restart(index).then(() => log(`engine ${index} restarted`));
    }, DOWN_MS);
    timers.add(restart);
  }, KILL_EVERY_MS);
  return () => {
    clearInterval(every);
    for (const timer of timers) clearTimeout(timer);
  };
}

/** Where in its speech a client drops: spread over 30–70% so that the drops do not come together. */
const dropShare = (plan: StreamPlan) => 0.3 + 0.4 * ((plan.index * 0.618) % 1);

/**
 * Each client drops once, somewhere in the middle of its speech, in a session of its own as the dashboard's
 * are, and resumes on the other instance.
 */
function dropOnce(plan: StreamPlan): LiveClientOptions {
  return {
    sessionId: `bench-resume-${plan.index}`,
    dropAtMs: Math.round(plan.speech.durationMs * dropShare(plan)),
  };
}

/**
 * How long after a sentence's end a client drops in `resume-under-load`: the segmenter closes the sentence
 * on the 100 ms frame that completes 0.5 s of silence (sent at +0.6 s), and its final takes a few hundred
 * ms on the busy engine, so it is made while the client is away (+0.6 s replayed nothing: not yet closed).
 */
const DROP_AFTER_SENTENCE_MS = 650;

/**
 * Resumes while other streams keep the engine busy: one engine with as many decoder slots as the live
 * streams of this run kept busy (measured in the live mode), two instances sharing Redis. Every other client
 * drops once, 0.65 s after the end of a sentence near the middle of its speech (the segmenter closes it after
 * 0.5 s of silence, so its final is on the busy engine while the client is away and is replayed to it), and
 * resumes on the other instance while the rest go on streaming; the baseline is the same streams on the
 * same set-up with nobody dropping, in the same run.
 */
async function resumeUnderLoad(settings: ScenarioSettings): Promise<ModeRow[]> {
  const slots = Math.max(1, Math.round(settings.demandSlots));
  settings.log(
    `resume under load: ${slots} decoder slots for a measured demand of ${settings.demandSlots.toFixed(1)}`,
  );
  const redis = await startRedis('bench-live');
  try {
    const engine = { ...settings.engine, engines: 1, slots };
    const cluster = { instances: 2, redisUrl: redis.url };
    const label = `busy engine (${slots} slots), two instances`;
    const baseline = await liveRun(
      `${label}, nobody drops (baseline)`,
      settings,
      engine,
      cluster,
      undefined,
      (plan) => ({
        sessionId: `bench-busy-${plan.index}`,
      }),
    );
    const resumed = await liveRun(
      `${label}, every other client drops and resumes on the other instance`,
      settings,
      engine,
      cluster,
      undefined,
      (plan) => {
        if (plan.index % 2 === 0) return { sessionId: `bench-busy-resume-${plan.index}` };
        const { sentences, durationMs } = plan.speech;
        const middle = sentences.find((sentence) => sentence.endMs >= durationMs * dropShare(plan));
        const dropAtMs = (middle ?? sentences[0]).endMs + DROP_AFTER_SENTENCE_MS;
        return { ...dropOnce(plan), dropAtMs };
      },
    );
    return [baseline, resumed];
  } finally {
    await redis.stop();
  }
}

/**
 * A mixed pool: engine 0 slow (5× the base latency, 10× the real-time factor), engine 1 as configured, both
 * with slots to spare, under `GATEWAY_ROUTING=routing`; the label says which share of the decodes the fast
 * one took. Run `mixed-weighted` and `mixed-speed` together for the comparison in the same run.
 */
async function mixedRun(routing: 'weighted' | 'speed', settings: ScenarioSettings): Promise<ModeRow> {
  const { baseMs, rtf } = settings.engine;
  const latencies = [{ baseMs: baseMs * 5, rtf: rtf * 10 }, {}];
  let fastShare = 0;
  const row = await liveRun(
    'mixed',
    settings,
    { ...settings.engine, engines: 2, latencies },
    { instances: 1, env: { GATEWAY_ROUTING: routing } },
    (stack) => async () => {
      const [slow, fast] = await stack.engines.stats();
      fastShare = fast.calls / Math.max(1, fast.calls + slow.calls);
    },
  );
  const name = routing === 'speed' ? 'routing by speed' : 'weighted round-robin';
  return {
    ...row,
    mode: `mixed fast/slow pool, ${name}: ${(fastShare * 100).toFixed(0)}% of decodes to the fast engine`,
  };
}

/** Pre-roll and tail the segmenter keeps around each utterance's speech (docs/streams.md). */
const UTTERANCE_MARGIN_MS = 400;

/**
 * Decoder slots the finals alone need (one decode of each sentence plus its margins, `base + rtf × audio`),
 * from the speech itself: an oversubscribed engine with fewer slots than this can only fall further behind.
 */
function finalsDemand(settings: ScenarioSettings): number {
  const plans = tonePlans(settings.streams, settings.durationS);
  const { baseMs, rtf } = settings.engine;
  let busyMs = 0;
  for (const { speech } of plans)
    for (const sentence of speech.sentences)
      busyMs += baseMs + rtf * (sentence.endMs - sentence.startMs + UTTERANCE_MARGIN_MS);
  return busyMs / Math.max(...plans.map((plan) => plan.speech.durationMs));
}

/**
 * Half the decoder slots the live streams asked for, the engine declared with its slots as its cap (the
 * orchestrator's default configuration derives its decode slots from that). `engineQueue`: the engine is
 * declared with four times its slots (as the former fixed default of 4 decodes did with 1 slot), so finals
 * wait in the engine's arrival-order queue behind interims; otherwise finals go first.
 */
function oversubscribed(settings: ScenarioSettings, engineQueue: boolean): Promise<ModeRow> {
  const slots = Math.max(1, Math.round(settings.demandSlots / 2));
  const cap = engineQueue ? slots * 4 : slots;
  settings.log(
    `oversubscribed: ${slots} decoder slots for a measured demand of ${settings.demandSlots.toFixed(1)} ` +
      `(finals alone ${finalsDemand(settings).toFixed(2)}); engine declared with cap ${cap}`,
  );
  const label = engineQueue
    ? `oversubscribed 2:1 (${slots} slots), declared cap ${cap}: finals queue in the engine`
    : `oversubscribed 2:1 (${slots} slots)`;
  return liveRun(label, settings, {
    ...settings.engine,
    engines: 1,
    slots,
    declaredSlots: cap,
  });
}

/**
 * The oversubscribed engine behind two instances sharing one Redis: with the decode slots shared (each
 * instance its share of the engine's, by open streams), and with the engine declared with twice its slots,
 * which sends as many decodes into it as two instances that each counted the whole pool did.
 */
async function oversubscribedRedis(settings: ScenarioSettings): Promise<ModeRow[]> {
  const slots = Math.max(1, Math.round(settings.demandSlots / 2));
  settings.log(
    `oversubscribed, two instances: ${slots} decoder slots for a measured demand of ` +
      `${settings.demandSlots.toFixed(1)} (finals alone ${finalsDemand(settings).toFixed(2)})`,
  );
  const redis = await startRedis('bench-live');
  try {
    const cluster = { instances: 2, redisUrl: redis.url };
    const engine = { ...settings.engine, engines: 1, slots };
    const shared = await liveRun(
      `oversubscribed 2:1 (${slots} slots), two instances sharing them`,
      settings,
      { ...engine, declaredSlots: slots },
      cluster,
    );
    const each = await liveRun(
      `oversubscribed 2:1 (${slots} slots), two instances each counting all (declared ${2 * slots})`,
      settings,
      { ...engine, declaredSlots: 2 * slots },
      cluster,
    );
    return [shared, each];
  } finally {
    await redis.stop();
  }
}

/** The scenario's rows: one, or a same-run baseline and the run measured against it. */
export async function runScenario(scenario: Scenario, settings: ScenarioSettings): Promise<ModeRow[]> {
  if (scenario === 'resume-under-load') return resumeUnderLoad(settings);
  if (scenario === 'oversubscribed-redis') return oversubscribedRedis(settings);
  return [await runScenarioRow(scenario, settings)];
}

async function runScenarioRow(
  scenario: Exclude<Scenario, 'resume-under-load' | 'oversubscribed-redis'>,
  settings: ScenarioSettings,
): Promise<ModeRow> {
  switch (scenario) {
    case 'fixed-4-decodes':
      // The former product default: 4 live decodes at once whatever the pool serves (the engine has slots
      // to spare, as in the live mode), against the live mode's slots derived from the engine's cap.
      return liveRun('former default: 4 decodes at once (streams.max_concurrent_decodes 4)', settings, {
        ...settings.engine,
        engines: 1,
        maxConcurrentDecodes: 4,
      });
    case 'oversubscribed':
      return oversubscribed(settings, false);
    case 'oversubscribed-engine-queue':
      return oversubscribed(settings, true);
    case 'engine-kill':
      return liveRun(
        'one of two engines killed every 30 s',
        settings,
        { ...settings.engine, engines: 2 },
        undefined,
        (stack) => killEngines(stack, settings.log),
      );
    case 'mixed-weighted':
      return mixedRun('weighted', settings);
    case 'mixed-speed':
      return mixedRun('speed', settings);
    case 'redis': {
      // Issue 15's targets with REDIS_URL: the same streams spread over two instances sharing one Redis.
      const redis = await startRedis('bench-live');
      try {
        return await liveRun(
          'two instances sharing Redis',
          settings,
          { ...settings.engine, engines: 1 },
          { instances: 2, redisUrl: redis.url },
        );
      } finally {
        await redis.stop();
      }
    }
    case 'resume': {
      const redis = await startRedis('bench-live');
      try {
        return await liveRun(
          'every client drops once and resumes on the other instance',
          settings,
          { ...settings.engine, engines: 1 },
          { instances: 2, redisUrl: redis.url },
          undefined,
          dropOnce,
        );
      } finally {
        await redis.stop();
      }
    }
  }
}
