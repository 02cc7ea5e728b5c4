/**
 * Live captions benchmark (issue 15): concurrent streams of tone speech (CONTRACTS §6) sent in real time to
 * the built orchestrator, through the chunked path of CONTRACTS §3 (WAV chunks of 3 s and 1 s, as the
 * dashboard's recorder sends them: the baseline) and through the live path of §3a (~100 ms PCM frames), one
 * mode after the other in the same run, with the same speech and a tone-speech engine with room to spare.
 * Figures per mode: word error rate of the final transcript, when a word is first shown after it was spoken
 * (live: first interim or final holding it; chunked: the chunk's result), when a sentence is final after
 * it ends, and the orchestrator's CPU per stream.
 *
 *   npm run bench:live -- [--streams 20] [--duration 60] [--modes chunked-3s,chunked-1s,live]
 *     [--engines 1] [--slots 0 (auto)] [--base-ms 30] [--rtf 0.05]
 */
import { cpus, loadavg } from 'node:os';
import { CpuMeter } from './process-cpu';
import { startToneStack, tonePlans } from './tone-stack';
import { modeTable, summarise, type ModeRow } from './tone-report';
import { STREAM_MODES, runToneStreams, type StreamMode } from './tone-streams';

function option(name: string, fallback: number, min: number, max: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`--${name} must be ${min}..${max}`);
  return value;
}

function modesOption(): StreamMode[] {
  const index = process.argv.indexOf('--modes');
  if (index < 0) return [...STREAM_MODES];
  const modes = (process.argv[index + 1] ?? '').split(',');
  const unknown = modes.filter((mode) => !(STREAM_MODES as readonly string[]).includes(mode));
  if (unknown.length > 0)
    throw new Error(`--modes takes ${STREAM_MODES.join(',')}; not ${unknown.join(',')}`);
  return modes as StreamMode[];
}

/** Bounds that keep a run finite on a shared machine. */
const STREAMS = option('streams', 20, 1, 200);
const DURATION_S = option('duration', 60, 5, 600);
const MODES = modesOption();
const ENGINES = option('engines', 1, 1, 4);
const BASE_MS = option('base-ms', 30, 0, 5000);
const RTF = option('rtf', 0.05, 0, 2);
/** Decoder slots per engine; by default enough that the engine is never what the streams wait for. */
const SLOTS = option('slots', 0, 0, 1000) || Math.max(4, Math.ceil((STREAMS * 2) / ENGINES));

async function main(): Promise<void> {
  const loadBefore = loadavg()[0];
  const speech = tonePlans(STREAMS, DURATION_S);
  const spoken = speech[0].speech.durationMs / 1000;
  process.stderr.write(
    `${STREAMS} streams of ~${spoken.toFixed(0)} s tone speech; engines: ${ENGINES} × ${SLOTS} slots, ${BASE_MS} ms + ${RTF} × audio\n`,
  );
  const stack = await startToneStack(STREAMS, { engines: ENGINES, slots: SLOTS, baseMs: BASE_MS, rtf: RTF });
  const rows: ModeRow[] = [];
  try {
    const meter = new CpuMeter(stack.processes);
    for (const mode of MODES) {
      meter.start();
      const outcomes = await runToneStreams([stack.url], mode, speech, (line) =>
        process.stderr.write(`${line}\n`),
      );
      const row = summarise(mode, outcomes, meter.stop());
      rows.push(row);
      process.stderr.write(`${modeTable([row])}\n`);
    }
  } finally {
    await stack.stop();
  }
  const loadAfter = loadavg()[0];
  process.stdout.write(
    [
      `Live captions: ${STREAMS} concurrent streams of ${spoken.toFixed(0)} s tone speech each, sent in real time; engine ${ENGINES} × ${SLOTS} slots, ${BASE_MS} ms + ${RTF} × audio; ${new Date().toISOString()}`,
      '',
      modeTable(rows),
      `Machine: ${cpus().length} cores, load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.`,
    ].join('\n') + '\n',
  );
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
