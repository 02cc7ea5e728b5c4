import OpenAI, { toFile } from 'openai';
import type { RunningApp } from '../support/app-harness';
import type { ToneSpeechEngine } from '../support/tone-speech';
import {
  killedMidRun,
  startTwoTierSpeechPool,
  toneSentence as speech,
  type TwoTierSpeechPool,
} from '../support/two-tier-speech-pool';

const API_KEY = 'front-door-test-key';

interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * The official `openai` package, pointed at the orchestrator's /v1, transcribing tone speech with a
 * speech-to-text pool of an OpenAI-compatible engine (preferred) and a whisper.cpp engine behind it.
 */
describe('the OpenAI-compatible front door', () => {
  let pool: TwoTierSpeechPool;
  let app: RunningApp;
  let openaiEngine: ToneSpeechEngine;
  let whisperCpp: ToneSpeechEngine;
  let client: OpenAI;

  beforeAll(async () => {
    pool = await startTwoTierSpeechPool({ security: { api_keys: [API_KEY] } });
    ({ app, openai: openaiEngine, whisperCpp } = pool);
    client = new OpenAI({ apiKey: API_KEY, baseURL: `${app.url}/v1`, maxRetries: 0 });
  });

  afterAll(() => pool.close());

  it('answers json, text and verbose_json with words as OpenAI does', async () => {
    const { words, wav } = speech(1);
    const json = await client.audio.transcriptions.create({
      file: await toFile(wav, 'speech.wav', { type: 'audio/wav' }),
      model: 'whisper-1',
    });
    expect(json.text).toBe(words.join(' '));

    const text = await client.audio.transcriptions.create({
      file: await toFile(wav, 'speech.wav'),
      model: 'whisper-1',
      response_format: 'text',
    });
    expect(text).toBe(`${words.join(' ')}\n`);

    const verbose = await client.audio.transcriptions.create({
      file: await toFile(wav, 'speech.wav'),
      model: 'whisper-1',
      language: 'en',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(verbose).toMatchObject({ task: 'transcribe', language: 'english', text: words.join(' ') });
    expect(verbose.duration).toBeGreaterThan(0);
    expect(verbose.words?.map((w) => w.word)).toEqual(words);
    expect(verbose.words?.every((w) => w.end > w.start)).toBe(true);
    expect(verbose.segments?.[0]).toEqual(
      expect.objectContaining({
        id: 0,
        start: expect.any(Number),
        end: expect.any(Number),
        text: expect.any(String),
      }),
    );

    const wordsOnly = await client.audio.transcriptions.create({
      file: await toFile(wav, 'speech.wav'),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word'],
    });
    expect(wordsOnly.segments).toBeUndefined();
    expect(wordsOnly.words).toHaveLength(words.length);
  });

  it('answers srt and vtt subtitles', async () => {
    const { words, wav } = speech(2);
    const srt = await client.audio.transcriptions.create({
      file: await toFile(wav, 'speech.wav'),
      model: 'whisper-1',
      response_format: 'srt',
    });
    expect(srt).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n/);
    expect(srt.replace(/\s+/g, ' ')).toContain(words.slice(0, 2).join(' '));
    const vtt = await client.audio.transcriptions.create({
      file: await toFile(wav, 'speech.wav'),
      model: 'whisper-1',
      response_format: 'vtt',
    });
    expect(vtt).toMatch(/^WEBVTT\n\n1\n\d\d:\d\d:\d\d\.\d{3} --> /);
  });

  it('lists the default alias and each engine’s discovered models, and routes a named model to its engine', async () => {
    const models: { id: string; owned_by: string }[] = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models).toEqual([
      expect.objectContaining({ id: 'whisper-1', object: 'model' }),
      expect.objectContaining({ id: 'tone-speech-1', owned_by: 'openai@whisper-0' }),
    ]);
    const { words, wav } = speech(3);
    const before = whisperCpp.calls;
    const named = await client.audio.transcriptions.create({
      file: await toFile(wav, 'speech.wav'),
      model: 'tone-speech-1',
    });
    expect(named.text).toBe(words.join(' '));
    expect(whisperCpp.calls).toBe(before);
  });

  it('refuses bad input in OpenAI’s error shape, naming the parameter', async () => {
    const { wav } = speech(4);
    const unknownModel = await client.audio.transcriptions
      .create({ file: await toFile(wav, 'speech.wav'), model: 'large-v9' })
      .catch((error: unknown) => error);
    expect(unknownModel).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknownModel).toMatchObject({ status: 404, param: 'model', code: 'model_not_found' });
    expect((unknownModel as Error).message).toContain('tone-speech-1');

    const badFormat = await client.audio.transcriptions
      .create({ file: await toFile(wav, 'speech.wav'), model: 'whisper-1', response_format: 'xml' as 'json' })
      .catch((error: unknown) => error);
    expect(badFormat).toMatchObject({ status: 400, param: 'response_format', type: 'invalid_request_error' });

    const form = new FormData();
    form.append('model', 'whisper-1');
    const noFile = await fetch(`${app.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
      body: form,
    });
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as OpenAiErrorBody).error).toEqual({
      message: 'you must provide a file parameter',
      type: 'invalid_request_error',
      param: 'file',
      code: 'missing_required_parameter',
    });

    const withoutKey = await new OpenAI({ apiKey: 'wrong', baseURL: `${app.url}/v1`, maxRetries: 0 }).models
      .list()
      .catch((error: unknown) => error);
    expect(withoutKey).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(withoutKey).toMatchObject({ code: 'invalid_api_key', type: 'invalid_request_error' });
  });

  it('moves calls to whisper.cpp when the preferred engine dies mid-run, with no failure for the client', async () => {
    const inputs = Array.from({ length: 10 }, (_, index) => speech(10 + index));
    const results = await killedMidRun(openaiEngine, 3, inputs, async (input) => {
      const answer = await client.audio.transcriptions.create({
        file: await toFile(input.wav, 'speech.wav'),
        model: 'whisper-1',
        response_format: 'verbose_json',
        timestamp_granularities: ['word'],
      });
      return answer.text;
    });
    expect(results).toEqual(inputs.map((input) => input.words.join(' ')));
    expect(whisperCpp.calls).toBeGreaterThan(0);
  });
});
