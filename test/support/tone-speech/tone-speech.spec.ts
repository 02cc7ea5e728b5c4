import {
  TONE_VOCABULARY,
  alignWords,
  decodeToneSpeech,
  makeToneScript,
  startToneSpeechEngine,
  synthesizeToneSpeech,
  toneSpeechWav,
  toneWordLengthMs,
  transcriptWords,
  wordErrorRate,
  type ToneSpeechEngine,
} from '.';

function upload(wav: Buffer, fields: [string, string][]): FormData {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'speech.wav');
  for (const [name, value] of fields) form.append(name, value);
  return form;
}

describe('tone speech', () => {
  const script = makeToneScript({ seed: 7, sentences: 6 });
  const speech = synthesizeToneSpeech(script, { seed: 7 });

  it('has 40 distinct words with nominal lengths from 220 to 520 ms', () => {
    expect(new Set(TONE_VOCABULARY).size).toBe(40);
    const lengths = TONE_VOCABULARY.map(toneWordLengthMs);
    expect(Math.min(...lengths)).toBe(220);
    expect(Math.max(...lengths)).toBe(520);
  });

  it('makes the same script from the same seed, and a different one from another', () => {
    expect(makeToneScript({ seed: 7, sentences: 6 })).toEqual(script);
    expect(makeToneScript({ seed: 8, sentences: 6 })).not.toEqual(script);
    expect(script.every((s) => s.length >= 3 && s.length <= 8)).toBe(true);
  });

  it('lays words 50–150 ms apart and sentences 0.5–1.2 s apart', () => {
    const gaps = speech.words.slice(1).map((w, i) => w.startMs - speech.words[i].endMs);
    const sentenceGaps = speech.sentences.slice(1).map((s, i) => s.startMs - speech.sentences[i].endMs);
    expect(gaps.every((gap) => (gap >= 50 && gap <= 150) || (gap >= 500 && gap <= 1200))).toBe(true);
    expect(sentenceGaps.every((gap) => gap >= 500 && gap <= 1200)).toBe(true);
    expect(speech.sentences.map((s) => s.text)).toEqual(script.map((s) => s.join(' ')));
  });

  it('keeps the noise floor near -60 dBFS', () => {
    const silence = speech.samples.subarray(0, 1600);
    const rms = Math.sqrt(silence.reduce((sum, x) => sum + x * x, 0) / silence.length) / 32768;
    expect(20 * Math.log10(rms)).toBeGreaterThan(-62);
    expect(20 * Math.log10(rms)).toBeLessThan(-58);
  });

  it('decodes a synthesized script exactly, with word times within 5 ms', () => {
    const heard = decodeToneSpeech(speech.samples, speech.sampleRate);
    expect(heard.text).toBe(script.flat().join(' '));
    heard.words.forEach((word, i) => {
      expect(Math.abs(word.start * 1000 - speech.words[i].startMs)).toBeLessThan(5);
      expect(Math.abs(word.end * 1000 - speech.words[i].endMs)).toBeLessThan(5);
    });
  });

  it('decodes at other sample rates too', () => {
    const short = script.slice(0, 2);
    const at48k = synthesizeToneSpeech(short, { seed: 7, sampleRate: 48000 });
    expect(decodeToneSpeech(at48k.samples, 48000).text).toBe(short.flat().join(' '));
  });

  it('mishears a word cut to half its length, and does not hear one cut to a fifth', () => {
    const word = speech.words[0];
    const index = TONE_VOCABULARY.indexOf(word.word as (typeof TONE_VOCABULARY)[number]);
    const cutAt = (share: number) =>
      speech.samples.subarray(
        0,
        Math.round(((word.startMs + share * (word.endMs - word.startMs)) * 16000) / 1000),
      );
    expect(decodeToneSpeech(cutAt(0.8), 16000).text).toBe(word.word);
    expect(decodeToneSpeech(cutAt(0.5), 16000).text).toBe(TONE_VOCABULARY[(index + 1) % 40]);
    expect(decodeToneSpeech(cutAt(0.2), 16000).text).toBe('');
  });

  it('scores word error rate as edits over the reference length', () => {
    expect(wordErrorRate(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'])).toBe(0);
    expect(wordErrorRate(['a', 'b', 'c', 'd'], ['a', 'x', 'c'])).toBe(0.5);
    expect(wordErrorRate(['a', 'b'], ['a', 'b', 'c', 'd'])).toBe(1);
    expect(wordErrorRate([], [])).toBe(0);
    expect(transcriptWords(' House, water.  City!')).toEqual(['house', 'water', 'city']);
  });

  it('aligns a hypothesis to the reference, naming the words it got right', () => {
    expect(alignWords(['a', 'b', 'c', 'd'], ['x', 'a', 'c', 'd', 'y'])).toEqual({
      edits: 3,
      matches: [
        [0, 1],
        [2, 2],
        [3, 3],
      ],
    });
    expect(alignWords([], ['a']).matches).toEqual([]);
  });

  it('loses words at every chunk edge of 1 s chunks', () => {
    const chunk = 16000;
    const heard: string[] = [];
    for (let offset = 0; offset < speech.samples.length; offset += chunk)
      heard.push(
        ...transcriptWords(decodeToneSpeech(speech.samples.subarray(offset, offset + chunk), 16000).text),
      );
    expect(wordErrorRate(script.flat(), heard)).toBeGreaterThan(0.1);
  });
});

describe('the tone-speech engine', () => {
  const script = makeToneScript({ seed: 3, sentences: 2 });
  const wav = toneSpeechWav(synthesizeToneSpeech(script, { seed: 3 }));
  const engines: ToneSpeechEngine[] = [];
  const start = async (...args: Parameters<typeof startToneSpeechEngine>) => {
    const engine = await startToneSpeechEngine(...args);
    engines.push(engine);
    return engine;
  };
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.stop()));
  });

  it('answers as an OpenAI-compatible server, with words when asked', async () => {
    const engine = await start({ kind: 'openai', baseMs: 0, rtf: 0 });
    const response = await fetch(`${engine.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: upload(wav, [
        ['model', 'whisper-1'],
        ['response_format', 'verbose_json'],
        ['timestamp_granularities[]', 'word'],
        ['timestamp_granularities[]', 'segment'],
      ]),
    });
    const body = (await response.json()) as {
      text: string;
      language: string;
      segments: { text: string; avg_logprob: number }[];
      words: { word: string; start: number; end: number }[];
    };
    expect(response.status).toBe(200);
    expect(body.text).toBe(script.flat().join(' '));
    expect(body.language).toBe('en');
    expect(body.segments.map((s) => s.text.trim())).toEqual(script.map((s) => s.join(' ')));
    expect(body.words.map((w) => w.word)).toEqual(script.flat());
    expect(engine.calls).toBe(1);

    const plain = await fetch(`${engine.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: upload(wav, [['model', 'whisper-1']]),
    });
    expect(await plain.json()).toEqual({ text: script.flat().join(' ') });
    const models = (await (await fetch(`${engine.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data[0].id).toBe('tone-speech-1');
  });

  it('refuses an OpenAI call without a model, naming the field', async () => {
    const engine = await start({ kind: 'openai' });
    const response = await fetch(`${engine.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: upload(wav, []),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('model');
  });

  it('answers as whisper.cpp, with the language as a full name and words per segment', async () => {
    const engine = await start({ kind: 'whisper-cpp', baseMs: 0, rtf: 0 });
    const response = await fetch(`${engine.url}/inference`, {
      method: 'POST',
      body: upload(wav, [
        ['response_format', 'verbose_json'],
        ['language', 'auto'],
      ]),
    });
    const body = (await response.json()) as {
      language: string;
      text: string;
      segments: { words: unknown[] }[];
    };
    expect(body.language).toBe('english');
    expect(transcriptWords(body.text)).toEqual(script.flat());
    expect(body.segments.flatMap((s) => s.words)).toHaveLength(script.flat().length);
    const json = await fetch(`${engine.url}/inference`, { method: 'POST', body: upload(wav, []) });
    expect(transcriptWords(((await json.json()) as { text: string }).text)).toEqual(script.flat());
    expect((await fetch(`${engine.url}/health`)).status).toBe(200);
    const bad = await fetch(`${engine.url}/inference`, {
      method: 'POST',
      body: upload(Buffer.from('not a wav'), []),
    });
    expect(bad.status).toBe(400);
  });

  it('serves calls beyond its decoder slots in arrival order', async () => {
    const engine = await start({ kind: 'whisper-cpp', slots: 1, baseMs: 150, rtf: 0 });
    const finished: number[] = [];
    await Promise.all(
      [0, 1, 2].map(async (i) => {
        await new Promise((r) => setTimeout(r, i * 20));
        await fetch(`${engine.url}/inference`, { method: 'POST', body: upload(wav, []) });
        finished.push(i);
      }),
    );
    expect(finished).toEqual([0, 1, 2]);
    expect(engine.busyMs).toBe(450);
  });

  it('drops calls in progress when killed, and answers again on the same port after restart', async () => {
    const engine = await start({ kind: 'openai', baseMs: 5000 });
    const pending = fetch(`${engine.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: upload(wav, [['model', 'm']]),
    });
    await new Promise((r) => setTimeout(r, 200));
    engine.kill();
    await expect(pending).rejects.toThrow();
    await expect(fetch(`${engine.url}/health`)).rejects.toThrow();
    await engine.restart();
    engine.setLatency({ baseMs: 0, rtf: 0 });
    const again = await fetch(`${engine.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: upload(wav, [['model', 'm']]),
    });
    expect(((await again.json()) as { text: string }).text).toBe(script.flat().join(' '));
  });
});
