import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { eventually } from '../support/eventually';
import {
  makeToneScript,
  startToneSpeechEngine,
  synthesizeToneSpeech,
  toneSpeechWav,
  type ToneSpeechEngine,
} from '../support/tone-speech';
import { servicesUp } from '../support/services-up';

interface TranscribeBody {
  text: string;
  language: string;
  segments: { start: number; end: number; text: string }[];
  words?: { word: string; start: number; end: number }[];
  confidence: number;
  backend: string;
  error?: { code: string; message: string };
}

async function transcribe(app: RunningApp, wav: Buffer): Promise<{ status: number; body: TranscribeBody }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'speech.wav');
  form.append('language', 'en');
  form.append('word_timestamps', 'true');
  const response = await fetch(`${app.url}/api/transcribe`, { method: 'POST', body: form });
  return { status: response.status, body: (await response.json()) as TranscribeBody };
}

/**
 * A speech-to-text pool of an OpenAI-compatible engine (tier 0, preferred) and a whisper.cpp engine
 * (tier 1, fallback), both really decoding tone speech: killing the preferred one while calls are in flight
 * costs the client nothing; the calls move to whisper.cpp through its own adapter.
 */
describe('a mixed speech-to-text pool', () => {
  let app: RunningApp;
  let openai: ToneSpeechEngine;
  let whisperCpp: ToneSpeechEngine;
  let config: { path: string; remove(): void };

  beforeAll(async () => {
    openai = await startToneSpeechEngine({ kind: 'openai', slots: 2, baseMs: 40 });
    whisperCpp = await startToneSpeechEngine({ kind: 'whisper-cpp', slots: 1, baseMs: 20 });
    config = writeConfigFile({
      services: {
        whisper: {
          kind: 'openai',
          instances: [{ url: openai.url }, { url: whisperCpp.url, kind: 'whisper-cpp', priority: 1 }],
        },
      },
      monitoring: { health_check_interval: 2 },
    });
    app = await startApp({ CONFIG_FILE: config.path });
    // A first probe of a loaded machine may miss its second: start once both engines are seen serving.
    await servicesUp(app.url, ['whisper'], { everyInstance: true, timeoutMs: 15_000 });
  });

  afterAll(async () => {
    await app.close();
    await openai.stop().catch(() => undefined);
    await whisperCpp.stop();
    config.remove();
  });

  it('serves from the preferred tier, and moves every call to whisper.cpp when it dies mid-run', async () => {
    const scripts = Array.from({ length: 12 }, (_, seed) => makeToneScript({ seed: seed + 1, sentences: 1 }));
    const wavs = scripts.map((script) => toneSpeechWav(synthesizeToneSpeech(script, { seed: 7 })));

    const first = await transcribe(app, wavs[0]);
    expect(first).toMatchObject({ status: 200, body: { backend: 'openai@whisper-0', language: 'en' } });
    expect(first.body.text).toBe(scripts[0][0].join(' '));
    expect(first.body.words?.map((w) => w.word)).toEqual(scripts[0][0]);
    expect(whisperCpp.calls).toBe(0);

    // The rest two at a time; the preferred engine crashes once it has taken some of them.
    const answers: Promise<{ status: number; body: TranscribeBody }>[] = [];
    const pending = wavs.slice(1);
    const crashed = eventually('the OpenAI engine to take calls', () => openai.calls >= 4, {
      timeoutMs: 10_000,
      intervalMs: 5,
    }).then(() => openai.kill());
    const run = async () => {
      for (let wav = pending.shift(); wav; wav = pending.shift()) {
        const answer = transcribe(app, wav);
        answers.push(answer);
        await answer;
      }
    };
    await Promise.all([run(), run(), crashed]);
    const results = await Promise.all(answers);

    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    results.forEach((result, index) => {
      expect(result.body.text).toBe(scripts[index + 1][0].join(' '));
      expect(result.body.words?.length).toBe(scripts[index + 1][0].length);
    });
    const backends = results.map((r) => r.body.backend);
    expect(backends).toContain('whisper-cpp@whisper-1');
    expect(backends.slice(-3)).toEqual([
      'whisper-cpp@whisper-1',
      'whisper-cpp@whisper-1',
      'whisper-cpp@whisper-1',
    ]);
    expect(whisperCpp.calls).toBeGreaterThan(0);
  });

  it('shows each instance’s kind and tier in /api/services', async () => {
    const body = (await (await fetch(`${app.url}/api/services`)).json()) as {
      services: { whisper: { instances: { kind: string; priority: number }[] } };
    };
    expect(body.services.whisper.instances.map(({ kind, priority }) => ({ kind, priority }))).toEqual([
      { kind: 'openai', priority: 0 },
      { kind: 'whisper-cpp', priority: 1 },
    ]);
  });

  it('refuses an upload without a file, naming the field', async () => {
    const form = new FormData();
    form.append('language', 'en');
    const response = await fetch(`${app.url}/api/transcribe`, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('file');
  });
});
