import { cpus, loadavg } from 'node:os';
import { LatencySamples } from './latency-stats';
import { scoreStream } from './tone-scoring';
import type { StreamOutcome } from './tone-stream-client';

/** One mode's figures over all its streams. */
export interface ModeRow {
  /** A path (StreamMode) or an issue-16 scenario. */
  mode: string;
  streams: number;
  wordErrorRate: number;
  shown: ReturnType<LatencySamples['summary']>;
  final: ReturnType<LatencySamples['summary']>;
  sentencesMissing: number;
  errors: Record<string, number>;
  repeatedFinals: number;
  replayedFinals: number;
  resumes: number;
  /** Resume acknowledged (claim, new copy, replay sent), and the resumed stream's first own final after it. */
  resume: ReturnType<LatencySamples['summary']>;
  catchUp: ReturnType<LatencySamples['summary']>;
  retainedMs: number;
  /** Sentence-final delays of sentences that ended in the first and in the last minute of speech. */
  finalFirstMinute: ReturnType<LatencySamples['summary']>;
  finalLastMinute: ReturnType<LatencySamples['summary']>;
  /** Sums over streams of the largest `shed_interim` each reported; the largest lag; degraded reports. */
  shedInterim: number;
  maxLagMs: number;
  degradedReports: number;
  /** Percent of one core, over the mode's whole run. */
  orchestratorCpu: number;
  engineCpu: number;
  clientCpu: number;
  machineCpu: number;
  sendLatenessP95: number;
  load: number;
}

/** The figures of one mode, from every stream's outcome. */
export function summarise(mode: string, outcomes: StreamOutcome[], cpu: Record<string, number>): ModeRow {
  const shown = new LatencySamples();
  const final = new LatencySamples();
  const firstMinute = new LatencySamples();
  const lastMinute = new LatencySamples();
  const spokenMs = Math.max(...outcomes.map((o) => o.plan.speech.durationMs));
  const lateness = new LatencySamples();
  const resume = new LatencySamples();
  const catchUp = new LatencySamples();
  let words = 0;
  let edits = 0;
  let sentencesMissing = 0;
  const errors: Record<string, number> = {};
  const sum = (figure: (outcome: StreamOutcome) => number) =>
    outcomes.reduce((total, o) => total + figure(o), 0);
  for (const outcome of outcomes) {
    const score = scoreStream(outcome.plan.speech, outcome.shown, outcome.finalWords);
    words += score.referenceWords;
    edits += score.edits;
    sentencesMissing += score.sentencesMissing;
    score.shownDelays.forEach((ms) => shown.add(ms));
    for (const { endMs, delayMs } of score.finalDelays) {
      final.add(delayMs);
      if (endMs < 60_000) firstMinute.add(delayMs);
      if (endMs >= spokenMs - 60_000) lastMinute.add(delayMs);
    }
    outcome.sendLateness.forEach((ms) => lateness.add(ms));
    outcome.resumeMs.forEach((ms) => resume.add(ms));
    outcome.catchUpMs.forEach((ms) => catchUp.add(ms));
    for (const code of outcome.errors) errors[code] = (errors[code] ?? 0) + 1;
  }
  return {
    mode,
    streams: outcomes.length,
    wordErrorRate: edits / Math.max(1, words),
    shown: shown.summary(),
    final: final.summary(),
    sentencesMissing,
    errors,
    repeatedFinals: sum((o) => o.repeatedFinals),
    replayedFinals: sum((o) => o.replayedFinals),
    resumes: sum((o) => o.resumes),
    resume: resume.summary(),
    catchUp: catchUp.summary(),
    finalFirstMinute: firstMinute.summary(),
    finalLastMinute: lastMinute.summary(),
    shedInterim: sum((o) => o.status.shedInterim),
    maxLagMs: Math.max(...outcomes.map((o) => o.status.maxLagMs)),
    degradedReports: sum((o) => o.status.degradedReports),
    retainedMs: Math.max(...outcomes.map((o) => o.retainedMs)),
    orchestratorCpu: cpu.orchestrator,
    engineCpu: cpu.engine,
    clientCpu: cpu.clients,
    machineCpu: cpu.machine,
    sendLatenessP95: lateness.summary().p95,
    load: loadavg()[0],
  };
}

const seconds = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : 'n/a');

function cpuCell(row: ModeRow): string {
  if (!Number.isFinite(row.orchestratorCpu)) return 'n/a (not started by this run)';
  return `${(row.orchestratorCpu / row.streams).toFixed(2)} (${row.orchestratorCpu}% for ${row.streams})`;
}

function errorsCell(row: ModeRow): string {
  const errors = Object.keys(row.errors).length === 0 ? 'none' : JSON.stringify(row.errors);
  return row.repeatedFinals ? `${errors}, ${row.repeatedFinals} repeated finals` : errors;
}

function tableRow(row: ModeRow): string {
  const never = row.sentencesMissing ? ` (${row.sentencesMissing} never final)` : '';
  return [
    row.mode,
    `${(row.wordErrorRate * 100).toFixed(1)}%`,
    `${seconds(row.shown.p50)} / ${seconds(row.shown.p95)}`,
    `${seconds(row.final.p50)} / ${seconds(row.final.p95)}${never}`,
    cpuCell(row),
    errorsCell(row),
    row.load.toFixed(1),
  ].join(' | ');
}

/** Issue 15's targets, checked against the live row of this run. */
function targets(live: ModeRow): string[] {
  const met = (ok: boolean) => (ok ? 'met' : 'not met');
  const perStream = live.orchestratorCpu / live.streams;
  const hundred =
    live.streams >= 100
      ? `${met(live.orchestratorCpu <= 100)} (${live.orchestratorCpu}% with ${live.streams} streams)`
      : `extrapolated ${(perStream * 100).toFixed(0)}% of a core, ${met(perStream <= 1)} (measured with ${live.streams} streams)`;
  return [
    'Against the targets of issue 15 (this run, engine capacity not the bottleneck):',
    `- finals word error rate at most 1%: ${met(live.wordErrorRate <= 0.01)} (${(live.wordErrorRate * 100).toFixed(1)}%)`,
    `- word shown p50 ≤ 0.8 s and p95 ≤ 1.5 s: ${met(live.shown.p50 <= 800 && live.shown.p95 <= 1500)} (${seconds(live.shown.p50)} / ${seconds(live.shown.p95)} s)`,
    `- sentence final p50 ≤ 1.2 s: ${met(live.final.p50 <= 1200)} (${seconds(live.final.p50)} s)`,
    `- 100 concurrent live streams on one orchestrator process using at most one core: ${Number.isFinite(perStream) ? hundred : 'n/a'}`,
    `- audio a client still held at the end for a resume (after its last final): at most ${seconds(live.retainedMs)} s`,
  ];
}

/** The markdown table of bench/README.md, with issue 15's targets checked against the live row. */
export function modeTable(rows: ModeRow[]): string {
  const cpu = rows.map(
    (r) =>
      `${r.mode}: orchestrator ${r.orchestratorCpu}, engine ${r.engineCpu}, clients ${r.clientCpu}, machine ${r.machineCpu} of ${cpus().length * 100}`,
  );
  const live = rows.find((row) => row.mode === 'live');
  return [
    '| path | word error rate | word shown p50 / p95 (s) | sentence final p50 / p95 (s) | orchestrator CPU per stream (% of a core) | errors | load avg |',
    '|---|---:|---:|---:|---:|---|---:|',
    ...rows.map((row) => `| ${tableRow(row)} |`),
    ...(live ? ['', ...targets(live)] : []),
    '',
    `CPU over each mode's run, % of one core: ${cpu.join('; ')}.`,
    `Client send lateness p95: ${rows.map((r) => `${r.mode} ${r.sendLatenessP95} ms`).join(', ')}.`,
  ].join('\n');
}

/** A table column: its header, its cell per row, and whether it is text (left-aligned) or a figure. */
type Column = [header: string, cell: (row: ModeRow) => string | number, text?: 'text'];

function columnsTable(columns: Column[], rows: ModeRow[]): string {
  return [
    `| ${columns.map(([header]) => header).join(' | ')} |`,
    `|${columns.map(([, , text]) => (text ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${columns.map(([, cell]) => cell(row)).join(' | ')} |`),
  ].join('\n');
}

const pair = (summary: ModeRow['final']) =>
  summary.count === 0 ? 'n/a' : `${seconds(summary.p50)} / ${seconds(summary.p95)}`;

/** What every scenario table says first: was anything lost, and how late were the finals. */
const OUTCOME_COLUMNS: Column[] = [
  ['streams', (row) => row.streams],
  ['finals word error rate', (row) => `${(row.wordErrorRate * 100).toFixed(1)}%`],
  ['sentences never final', (row) => row.sentencesMissing],
  ['sentence final p50 / p95 (s)', (row) => pair(row.final)],
];
/** ... and last: repeats, replays, errors, and how loaded the machine was. */
const TRAILING_COLUMNS: Column[] = [
  [
    'repeated / replayed finals, resumes',
    (row) => `${row.repeatedFinals} / ${row.replayedFinals}, ${row.resumes}`,
    'text',
  ],
  ['errors', (row) => (Object.keys(row.errors).length === 0 ? 'none' : JSON.stringify(row.errors)), 'text'],
  ['load avg', (row) => row.load.toFixed(1)],
];

/** Issue 16's scenarios: finals under pressure, engine failures and resumes. */
export function pressureTable(rows: ModeRow[]): string {
  return columnsTable(
    [
      ['scenario', (row) => row.mode, 'text'],
      ...OUTCOME_COLUMNS,
      [
        'final p95 first / last minute (s)',
        (row) => `${seconds(row.finalFirstMinute.p95)} / ${seconds(row.finalLastMinute.p95)}`,
      ],
      ['interim decodes shed', (row) => row.shedInterim],
      ['max lag (s)', (row) => seconds(row.maxLagMs)],
      ...TRAILING_COLUMNS,
    ],
    rows,
  );
}

/** Resumes under load: what was lost or repeated, and how long a resume took to replay and to catch up. */
export function resumeTable(rows: ModeRow[]): string {
  return columnsTable(
    [
      ['run', (row) => row.mode, 'text'],
      ...OUTCOME_COLUMNS,
      ['resume ack incl. replay p50 / p95 (s)', (row) => pair(row.resume)],
      ['first own final after the ack p50 / p95 (s)', (row) => pair(row.catchUp)],
      ...TRAILING_COLUMNS,
    ],
    rows,
  );
}
