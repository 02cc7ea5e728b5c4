import type { RunningApp } from '../support/app-harness';
import type { ToneSpeechEngine } from '../support/tone-speech';
import {
  killedMidRun,
  startTwoTierSpeechPool,
  toneSentence,
  type TwoTierSpeechPool,
} from '../support/two-tier-speech-pool';

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
  let pool: TwoTierSpeechPool;
  let app: RunningApp;
  let openai: ToneSpeechEngine;
  let whisperCpp: ToneSpeechEngine;

  beforeAll(async () => {
    pool = await startTwoTierSpeechPool();
    ({ app, openai, whisperCpp } = pool);
  });

  afterAll(() => pool.close());

  it('serves from the preferred tier, and moves every call to whisper.cpp when it dies mid-run', async () => {
    const inputs = Array.from({ length: 12 }, (_, seed) => toneSentence(seed + 1));

    const first = await transcribe(app, inputs[0].wav);
    expect(first).toMatchObject({ status: 200, body: { backend: 'openai@whisper-0', language: 'en' } });
    expect(first.body.text).toBe(inputs[0].words.join(' '));
    expect(first.body.words?.map((w) => w.word)).toEqual(inputs[0].words);
    expect(whisperCpp.calls).toBe(0);

    // The rest two at a time; the preferred engine crashes once it has taken some of them.
    const rest = inputs.slice(1);
    const results = await killedMidRun(openai, 3, rest, (input) => transcribe(app, input.wav));

    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    results.forEach((result, index) => {
      expect(result.body.text).toBe(rest[index].words.join(' '));
      expect(result.body.words?.length).toBe(rest[index].words.length);
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
