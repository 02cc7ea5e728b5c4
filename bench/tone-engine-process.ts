/**
 * Tone-speech engines in a process of their own, so their decoding shows as their CPU and not the
 * benchmark clients' (or the orchestrator's). Forked by the live benchmarks; answers over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import {
  startToneSpeechEngine,
  type ToneEngineOptions,
  type ToneSpeechEngine,
} from '../test/support/tone-speech';

type Command = { command: 'kill' | 'restart'; index: number } | { command: 'stats' };

/** Per engine: transcription calls received and slot-milliseconds spent decoding. */
export type EngineStats = { calls: number; busyMs: number }[];

export interface ToneEngineProcess {
  urls: string[];
  pid: number;
  kill(index: number): Promise<void>;
  restart(index: number): Promise<void>;
  stats(): Promise<EngineStats>;
  stop(): Promise<void>;
}

/** Latency of one engine where it differs from the shared options (a mixed fast/slow pool). */
export type EngineLatency = Pick<ToneEngineOptions, 'baseMs' | 'rtf'>;

/** Starts `count` engines with the same options (engine i with `latencies[i]` over them) in a child process. */
export async function startToneEngineProcess(
  count: number,
  options: ToneEngineOptions,
  latencies: EngineLatency[] = [],
): Promise<ToneEngineProcess> {
  const args = ['--serve', String(count), JSON.stringify(options), JSON.stringify(latencies)];
  const child: ChildProcess = fork(__filename, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['-r', 'ts-node/register/transpile-only'],
  });
  const reply = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      child.once('message', (message) => resolve(message as T));
      child.once('exit', (code) => reject(new Error(`the engine process exited with ${code}`)));
    });
  const ask = async <T>(command: Command): Promise<T> => {
    const answer = reply<T>();
    child.send(command);
    return answer;
  };
  const { urls } = await reply<{ urls: string[] }>();
  return {
    urls,
    pid: child.pid ?? 0,
    kill: (index) => ask({ command: 'kill', index }),
    restart: (index) => ask({ command: 'restart', index }),
    stats: () => ask({ command: 'stats' }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}

async function serve(count: number, options: ToneEngineOptions, latencies: EngineLatency[]): Promise<void> {
  const engines: ToneSpeechEngine[] = [];
  for (let i = 0; i < count; i++) engines.push(await startToneSpeechEngine({ ...options, ...latencies[i] }));
  process.on('message', (message: Command) => {
    void (async () => {
      if (message.command === 'stats')
        return process.send?.(engines.map(({ calls, busyMs }) => ({ calls, busyMs })));
      if (message.command === 'kill') engines[message.index].kill();
      else await engines[message.index].restart();
      process.send?.({});
    })();
  });
  process.on('disconnect', () => {
    void Promise.all(engines.map((engine) => engine.stop())).then(() => process.exit(0));
  });
  process.send?.({ urls: engines.map((engine) => engine.url) });
}

if (process.argv[2] === '--serve')
  void serve(
    Number(process.argv[3]),
    JSON.parse(process.argv[4]) as ToneEngineOptions,
    JSON.parse(process.argv[5] ?? '[]') as EngineLatency[],
  );
