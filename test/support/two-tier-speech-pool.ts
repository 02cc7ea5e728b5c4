import { startApp, type RunningApp } from './app-harness';
import { writeConfigFile } from './config-file';
import { eventually } from './eventually';
import { servicesUp } from './services-up';
import {
  makeToneScript,
  startToneSpeechEngine,
  synthesizeToneSpeech,
  toneSpeechWav,
  type ToneSpeechEngine,
} from './tone-speech';

/** One sentence of tone speech as a WAV file, with its words. */
export function toneSentence(seed: number): { words: string[]; wav: Buffer } {
  const script = makeToneScript({ seed, sentences: 1 });
  return { words: script[0], wav: toneSpeechWav(synthesizeToneSpeech(script, { seed: 7 })) };
}

/**
 * The app in front of issue #18's speech-to-text pool: an OpenAI-compatible engine (tier 0, preferred) and a
 * whisper.cpp engine (tier 1, fallback, one slot), both really decoding tone speech.
 */
export interface TwoTierSpeechPool {
  app: RunningApp;
  openai: ToneSpeechEngine;
  whisperCpp: ToneSpeechEngine;
  close(): Promise<void>;
}

/** `config`: further sections of the app's configuration (e.g. `security`). */
export async function startTwoTierSpeechPool(
  config: Record<string, unknown> = {},
): Promise<TwoTierSpeechPool> {
  const openai = await startToneSpeechEngine({ kind: 'openai', slots: 2, baseMs: 40 });
  const whisperCpp = await startToneSpeechEngine({ kind: 'whisper-cpp', slots: 1, baseMs: 20 });
  const file = writeConfigFile({
    services: {
      whisper: {
        kind: 'openai',
        instances: [{ url: openai.url }, { url: whisperCpp.url, kind: 'whisper-cpp', priority: 1 }],
      },
    },
    monitoring: { health_check_interval: 2 },
    ...config,
  });
  const app = await startApp({ CONFIG_FILE: file.path });
  // A first probe of a loaded machine may miss its second: start once both engines are seen serving.
  await servicesUp(app.url, ['whisper'], { everyInstance: true, timeoutMs: 15_000 });
  return {
    app,
    openai,
    whisperCpp,
    close: async () => {
      await app.close();
      await openai.stop().catch(() => undefined);
      await whisperCpp.stop();
      file.remove();
    },
  };
}

/**
 * Runs every input through `call`, two at a time, and kills `engine` (a crash: connections dropped) once it
 * has taken `afterCalls` more calls: the preferred engine dying mid-run. The answers, in input order.
 */
export async function killedMidRun<I, R>(
  engine: ToneSpeechEngine,
  afterCalls: number,
  inputs: readonly I[],
  call: (input: I) => Promise<R>,
): Promise<R[]> {
  const callsBefore = engine.calls;
  const crashed = eventually('the engine to take calls', () => engine.calls >= callsBefore + afterCalls, {
    timeoutMs: 10_000,
    intervalMs: 5,
  }).then(() => engine.kill());
  const answers: Promise<R>[] = [];
  let next = 0;
  const run = async () => {
    while (next < inputs.length) {
      const answer = call(inputs[next++]);
      answers.push(answer);
      await answer;
    }
  };
  await Promise.all([run(), run(), crashed]);
  return Promise.all(answers);
}
