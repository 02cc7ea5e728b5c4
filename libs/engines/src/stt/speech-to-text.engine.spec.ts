import type { BackendServiceConfig } from '@app/config';
import { FetchBackendClient } from '../../../../test/support/fetch-backend-client';
import { startFakeEngine, type FakeEngineServer } from '../../../../test/support/fake-engine-server';
import { UNSCORED_CONFIDENCE } from '../confidence';
import { EngineError } from '../engine-error';
import type { AudioInput } from '../engine.types';
import {
  LIVETRANSLATE_NO_SPEECH_TEXT,
  LivetranslateSpeechToTextEngine,
} from './livetranslate-speech-to-text.engine';
import { OpenAiSpeechToTextEngine } from './openai-speech-to-text.engine';
import { WhisperCppSpeechToTextEngine } from './whisper-cpp-speech-to-text.engine';

const audio: AudioInput = { data: Buffer.from('RIFF....WAVEfmt '), format: 'wav', contentType: 'audio/wav' };

describe('speech-to-text adapters against their contracts (CONTRACTS §4, §5)', () => {
  let server: FakeEngineServer;
  let client: FetchBackendClient;
  let settings: BackendServiceConfig;

  beforeEach(async () => {
    server = await startFakeEngine(() => ({ status: 500, json: { error: 'no handler' } }));
    client = new FetchBackendClient({ whisper: server.url });
    settings = { kind: 'livetranslate', instances: [{ url: server.url, weight: 1 }] };
  });
  afterEach(() => server.close());

  describe('livetranslate', () => {
    const engine = () => new LivetranslateSpeechToTextEngine(client, () => settings);

    it('uploads the file in field "audio", puts the model in the path and reads the answer', async () => {
      settings.model = 'whisper-base';
      server.handle(() => ({
        json: {
          text: ' Hello world ',
          segments: [],
          language: 'en',
          confidence: 0.9,
          processing_time: 0.2,
          model_used: 'whisper-base',
          device_used: 'cpu',
          timestamp: '2026-01-01T00:00:00Z',
          session_id: 's1',
        },
      }));
      const result = await engine().transcribe(audio, { language: 'en', sessionId: 's1', temperature: 0.5 });
      const seen = server.requests[0];
      expect(seen.method).toBe('POST');
      expect(seen.path).toBe('/transcribe/whisper-base');
      expect(seen.fields.get('audio')).toMatchObject({
        type: 'audio/wav',
        name: 'audio.wav',
        size: audio.data.length,
      });
      expect(seen.fields.get('language')).toBe('en');
      expect(seen.fields.get('session_id')).toBe('s1');
      // Not in the platform service's contract (CONTRACTS §5): left out rather than sent to be ignored.
      expect(seen.fields.has('temperature')).toBe(false);
      expect(result).toMatchObject({
        text: 'Hello world',
        language: 'en',
        confidence: 0.9,
        backend: 'livetranslate@whisper-0',
        noSpeech: false,
      });
    });

    it('posts to /transcribe without a model and treats its "audio unclear" sentence as no speech', async () => {
      server.handle(() => ({
        json: { text: LIVETRANSLATE_NO_SPEECH_TEXT, segments: [], language: 'en', confidence: 0.9 },
      }));
      const result = await engine().transcribe(audio, {});
      expect(server.requests[0].path).toBe('/transcribe');
      expect(server.requests[0].fields.has('language')).toBe(false);
      expect(server.requests[0].fields.has('temperature')).toBe(false);
      expect(result).toMatchObject({ text: '', noSpeech: true, confidence: 0 });
    });

    it("fails finally on 400 and retryably on 500, with the service's own message", async () => {
      server.handle(() => ({ status: 400, json: { error: 'No audio file provided' } }));
      const rejected = await engine()
        .transcribe(audio, {})
        .catch((e: unknown) => e);
      expect(rejected).toBeInstanceOf(EngineError);
      expect(rejected).toMatchObject({
        retryable: false,
        message: expect.stringContaining('No audio file provided'),
      });
      server.handle(() => ({ status: 500, json: { error: 'CUDA out of memory' } }));
      await expect(engine().transcribe(audio, {})).rejects.toMatchObject({
        retryable: true,
        code: 'ENGINE_FAILED',
      });
    });

    it('lists models from GET /models', async () => {
      server.handle(() => ({
        json: {
          available_models: ['whisper-base', 'whisper-small'],
          loaded_models: [],
          default_model: 'whisper-base',
          device: 'cpu',
        },
      }));
      await expect(engine().models('whisper-0')).resolves.toEqual({
        models: ['whisper-base', 'whisper-small'],
        defaultModel: 'whisper-base',
      });
      expect(server.requests[0].path).toBe('/models');
    });
  });

  describe('openai', () => {
    const engine = () => new OpenAiSpeechToTextEngine(client, () => settings);
    const verbose = {
      task: 'transcribe',
      language: 'english',
      duration: 2.5,
      text: 'Hello world.',
      segments: [
        {
          id: 0,
          seek: 0,
          start: 0,
          end: 2,
          text: ' Hello world.',
          tokens: [1, 2],
          temperature: 0,
          avg_logprob: -0.2,
          compression_ratio: 1.1,
          no_speech_prob: 0.1,
        },
      ],
    };

    it('sends file, model, language and response_format=verbose_json with the API key as bearer token', async () => {
      settings = { ...settings, kind: 'openai', model: 'Systran/faster-whisper-small', apiKey: 'sk-test' };
      server.handle(() => ({ json: verbose }));
      const result = await engine().transcribe(audio, { language: 'en' });
      const seen = server.requests[0];
      expect(seen.path).toBe('/v1/audio/transcriptions');
      expect(seen.headers.authorization).toBe('Bearer sk-test');
      expect(seen.fields.get('file')).toMatchObject({ type: 'audio/wav' });
      expect(seen.fields.get('model')).toBe('Systran/faster-whisper-small');
      expect(seen.fields.get('language')).toBe('en');
      expect(seen.fields.get('response_format')).toBe('verbose_json');
      expect(result.confidence).toBeCloseTo(Math.exp(-0.2) * 0.9, 6);
      expect(result).toMatchObject({
        text: 'Hello world.',
        language: 'en',
        duration: 2.5,
        backend: 'openai@whisper-0',
      });
      expect(result.segments).toEqual([{ start: 0, end: 2, text: 'Hello world.' }]);
    });

    it('asks for model whisper-1 when none is configured and leaves language out for detection', async () => {
      server.handle(() => ({ json: verbose }));
      await engine().transcribe(audio, { language: 'auto' });
      expect(server.requests[0].fields.get('model')).toBe('whisper-1');
      expect(server.requests[0].fields.has('language')).toBe(false);
      expect(server.requests[0].headers.authorization).toBeUndefined();
    });

    it('asks for word timestamps, passes the prompt and temperature, and returns the words trimmed', async () => {
      server.handle(() => ({
        json: {
          ...verbose,
          words: [
            { word: ' Hello', start: 0.1, end: 0.5 },
            { word: ' world.', start: 0.6, end: 1.1 },
          ],
        },
      }));
      const result = await engine().transcribe(audio, {
        prompt: 'Earlier words.',
        temperature: 0.2,
        wordTimestamps: true,
      });
      const seen = server.requests[0];
      expect(seen.fields.get('temperature')).toBe('0.2');
      // Repeated fields: the fake keeps the last, which must be the word granularity.
      expect(seen.fields.get('timestamp_granularities[]')).toBe('word');
      expect(seen.fields.get('prompt')).toBe('Earlier words.');
      expect(result.words).toEqual([
        { word: 'Hello', start: 0.1, end: 0.5 },
        { word: 'world.', start: 0.6, end: 1.1 },
      ]);
    });

    it('lists models from GET /v1/models, with the one it asks for as the default', async () => {
      server.handle(() => ({ json: { object: 'list', data: [{ id: 'whisper-1', object: 'model' }] } }));
      await expect(engine().models('whisper-0')).resolves.toEqual({
        models: ['whisper-1'],
        defaultModel: 'whisper-1',
      });
    });
  });

  describe('whisper-cpp', () => {
    const engine = () => new WhisperCppSpeechToTextEngine(client, () => settings);

    it('posts to /inference without a model field and maps the full language name', async () => {
      server.handle(() => ({
        json: {
          task: 'transcribe',
          language: 'spanish',
          duration: 1.2,
          text: ' Hola.',
          segments: [
            {
              id: 0,
              text: ' Hola.',
              start: 0,
              end: 1.2,
              tokens: [],
              words: [],
              temperature: 0,
              avg_logprob: -0.1,
              no_speech_prob: 0,
            },
          ],
        },
      }));
      const result = await engine().transcribe(audio, {});
      const seen = server.requests[0];
      expect(seen.path).toBe('/inference');
      expect(seen.fields.get('file')).toMatchObject({ type: 'audio/wav' });
      expect(seen.fields.get('response_format')).toBe('verbose_json');
      expect(seen.fields.get('language')).toBe('auto');
      expect(seen.fields.has('model')).toBe(false);
      expect(result).toMatchObject({ text: 'Hola.', language: 'es', backend: 'whisper-cpp@whisper-0' });
      expect(result.confidence).toBeCloseTo(Math.exp(-0.1), 6);
    });

    it('collects the words of every segment and sends the prompt and temperature', async () => {
      server.handle(() => ({
        json: {
          text: ' one two three',
          segments: [
            {
              id: 0,
              text: ' one two',
              start: 0,
              end: 1,
              words: [
                { word: ' one', start: 0, end: 0.4, p: 0.9 },
                { word: ' two', start: 0.5, end: 1, p: 0.9 },
              ],
            },
            {
              id: 1,
              text: ' three',
              start: 1.2,
              end: 1.8,
              words: [{ word: ' three', start: 1.2, end: 1.8, p: 0.8 }],
            },
          ],
        },
      }));
      const result = await engine().transcribe(audio, {
        prompt: 'zero',
        temperature: 0,
        wordTimestamps: true,
      });
      expect(server.requests[0].fields.get('prompt')).toBe('zero');
      expect(server.requests[0].fields.get('temperature')).toBe('0');
      expect(result.words?.map((w) => w.word)).toEqual(['one', 'two', 'three']);
      expect(result.words?.[2]).toEqual({ word: 'three', start: 1.2, end: 1.8 });
    });

    it('reports the unscored confidence for a plain { text } answer', async () => {
      server.handle(() => ({ json: { text: 'hello' } }));
      const result = await engine().transcribe(audio, { language: 'en' });
      expect(server.requests[0].fields.get('language')).toBe('en');
      expect(result).toMatchObject({ text: 'hello', language: 'en', confidence: UNSCORED_CONFIDENCE });
    });

    it('fails with a protocol error when the answer has no text', async () => {
      server.handle(() => ({ json: { status: 'loading model' } }));
      await expect(engine().transcribe(audio, {})).rejects.toMatchObject({
        code: 'ENGINE_PROTOCOL',
        retryable: false,
      });
    });
  });
});
