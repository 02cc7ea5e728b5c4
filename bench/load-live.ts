import { CpuMeter } from './process-cpu';
import type { LoadOptions } from './load-options';
import { modeTable, summarise } from './tone-report';
import { startToneStack, tonePlans, type ToneStack } from './tone-stack';
import { runToneStreams } from './tone-streams';

/**
 * The load tool's live mode: `connections` clients each stream `duration` seconds of tone speech in real
 * time (CONTRACTS §3a) and score what they see, as bench:live does for its live row. Each client keeps the
 * audio after the end of its last final, what it would re-send on a resume; the report says how much that
 * was. Against `--url` the orchestrator must use a tone-speech engine and STREAM_VAD=energy; without it
 * the tool starts both itself and also reports the orchestrator's CPU.
 */
export async function runLiveLoad(options: LoadOptions, log: (line: string) => void): Promise<string> {
  const plans = tonePlans(options.connections, options.duration);
  let stack: ToneStack | undefined;
  if (!options.urlGiven) {
    stack = await startToneStack(options.connections, {
      engines: 1,
      slots: Math.max(4, options.connections * 2),
      baseMs: 30,
      rtf: 0.05,
    });
    log(`started an orchestrator at ${stack.urls[0]} with a tone-speech engine`);
  }
  try {
    const meter = new CpuMeter(stack?.processes ?? []);
    meter.start();
    const outcomes = await runToneStreams(stack?.urls ?? [options.url], 'live', plans, log);
    const cpu = meter.stop();
    const held = outcomes.map((outcome) => outcome.retainedMs).sort((a, b) => a - b);
    return [
      `Live load: ${options.connections} clients, ${(plans[0].speech.durationMs / 1000).toFixed(0)} s of tone speech each, ${stack ? 'own orchestrator' : options.url}`,
      '',
      modeTable([summarise('live', outcomes, cpu)]),
      `Audio held for a resume at the end (after each client's last final): median ${held[Math.floor(held.length / 2)]} ms, max ${held[held.length - 1]} ms.`,
    ].join('\n');
  } finally {
    await stack?.stop();
  }
}
