import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { startFakeEngine, type FakeEngineServer } from '../support/fake-engine-server';
import { FAKE_TRANSCRIPT, startFakeWhisper } from '../support/livetranslate-fakes';
import { tone } from '../support/wav';
import {
  collect,
  connectClosedAfterEach,
  emitWithAck,
  nextEvent,
  type ClientSocket,
} from '../support/socket-client';

/**
 * Streams against real engines where they run here (Apertium for translation) and CONTRACTS.md fakes where
 * they cannot (the platform's speaker service; a LibreTranslate whose answer time the test controls).
 */
describe('Socket.IO streams', () => {
  const connect = connectClosedAfterEach();
  const client = async (url: string): Promise<ClientSocket> => (await connect(url)).socket;
  async function join(socket: ClientSocket, sessionId: string): Promise<Record<string, unknown>> {
    return emitWithAck(socket, 'service_message', { type: 'join_session', session_id: sessionId });
  }

  describe('with the real Apertium server and a fake speaker service', () => {
    let running: RunningApp;
    let speaker: FakeEngineServer;

    beforeAll(async () => {
      speaker = await startFakeEngine((req) =>
        req.path === '/diarize'
          ? { json: { speakers: [{ speaker_id: 'SPEAKER_00', start: 0, end: 1.5 }] } }
          : { json: { status: 'healthy' } },
      );
      running = await startApp({
        TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
        TRANSLATION_SERVICE_KIND: 'apertium',
        SPEAKER_SERVICE_URL: speaker.url,
      });
    });
    afterAll(async () => {
      await running.close();
      await speaker.close();
    });

    it('translates, delivers the result once to the sender and to every session member, and keeps it in history', async () => {
      const sender = await client(running.url);
      const member = await client(running.url);
      const outsider = await client(running.url);
      await join(sender, 'stream-1');
      await join(member, 'stream-1');
      const senderResults = collect(sender, 'translation_result');
      const outsiderResults = collect(outsider, 'translation_result');
      const memberResult = nextEvent(member, 'translation_result', 10000);

      const ack = await emitWithAck(sender, 'translation_stream', {
        text: 'Good morning',
        source_lang: 'en',
        target_lang: 'es',
        request_id: 'tr-1',
      });
      expect(ack).toMatchObject({
        request_id: 'tr-1',
        session_id: 'stream-1',
        text: 'Good morning',
        source_lang: 'en',
        target_lang: 'es',
        backend: expect.stringContaining('apertium'),
      });
      expect(String(ack.translated_text).toLowerCase()).toContain('buenos');
      expect(ack.confidence).toBeGreaterThan(0);
      expect(await memberResult).toEqual(ack);
      await new Promise((r) => setTimeout(r, 100));
      expect(senderResults).toEqual([ack]);
      expect(outsiderResults).toEqual([]);

      // A reconnecting client finds the translation in the session's history.
      sender.close();
      const again = await client(running.url);
      const joined = await join(again, 'stream-1');
      expect(joined.history).toEqual([
        expect.objectContaining({
          kind: 'translation',
          chunk_id: 'tr-1',
          translated_text: ack.translated_text,
        }),
      ]);
    });

    it('answers get_languages from the translation engine with the request id', async () => {
      const socket = await client(running.url);
      const response = nextEvent(socket, 'service_response');
      const ack = await emitWithAck(socket, 'service_message', {
        type: 'service_request',
        target_service: 'translation',
        action: 'get_languages',
        request_id: 'langs-1',
      });
      expect(ack).toMatchObject({
        request_id: 'langs-1',
        target_service: 'translation',
        action: 'get_languages',
      });
      expect((ack.data as { languages: { code: string }[] }).languages.map((l) => l.code)).toEqual(
        expect.arrayContaining(['en', 'es']),
      );
      expect(await response).toEqual(ack);
    });

    it('answers a health request for a service', async () => {
      const socket = await client(running.url);
      const ack = await emitWithAck(socket, 'service_message', {
        type: 'service_request',
        target_service: 'translation',
        action: 'health',
      });
      expect(ack).toMatchObject({
        target_service: 'translation',
        action: 'health',
        request_id: expect.any(String),
      });
      expect((ack.data as { service: string }).service).toBe('translation');
    });

    it('diarizes a speaker_stream chunk and shares the segments with the session', async () => {
      const sender = await client(running.url);
      const member = await client(running.url);
      await join(sender, 'stream-2');
      await join(member, 'stream-2');
      const memberResult = nextEvent(member, 'speaker_result');
      const ack = await emitWithAck(sender, 'speaker_stream', {
        audio_data: Buffer.from('RIFF-fake-wav'),
        format: 'wav',
        chunk_id: 'spk-1',
      });
      expect(ack).toEqual({
        chunk_id: 'spk-1',
        session_id: 'stream-2',
        segments: [{ speaker: 'SPEAKER_00', start: 0, end: 1.5 }],
      });
      expect(await memberResult).toEqual(ack);
      const upload = speaker.requests.find((r) => r.path === '/diarize');
      expect(upload?.fields.get('file')).toMatchObject({ size: 'RIFF-fake-wav'.length });
      const session = await request(running.url).get('/api/sessions/stream-2').expect(200);
      expect(session.body.history).toEqual([
        expect.objectContaining({ kind: 'speakers', chunk_id: 'spk-1' }),
      ]);
    });
  });

  describe('ordering with a slow backend', () => {
    let running: RunningApp;
    let translator: FakeEngineServer;

    beforeAll(async () => {
      // LibreTranslate's contract; a text starting with "slow" takes 1.5 s to answer.
      translator = await startFakeEngine((req) => {
        if (req.path !== '/translate') return { json: { status: 'ok' } };
        const q = String((req.json as { q: string }).q);
        return { json: { translatedText: `es:${q}` }, delayMs: q.startsWith('slow') ? 1500 : 0 };
      });
      running = await startApp({
        TRANSLATION_SERVICE_URL: translator.url,
        TRANSLATION_SERVICE_KIND: 'libretranslate',
      });
    });
    afterAll(async () => {
      await running.close();
      await translator.close();
    });

    it('keeps one session in order while another session is not held up', async () => {
      const a = await client(running.url);
      const b = await client(running.url);
      await join(a, 'order-a');
      await join(b, 'order-b');
      const arrivals: string[] = [];
      a.on('translation_result', (r: { text: string }) => arrivals.push(`a:${r.text}`));
      b.on('translation_result', (r: { text: string }) => arrivals.push(`b:${r.text}`));
      const send = (socket: ClientSocket, text: string): Promise<unknown> =>
        emitWithAck(socket, 'translation_stream', { text, source_lang: 'en', target_lang: 'es' });

      const slowA = send(a, 'slow first');
      await new Promise((r) => setTimeout(r, 50));
      const fastA = send(a, 'fast second');
      const fastB = send(b, 'fast other');
      await fastB;
      expect(arrivals).toEqual(['b:fast other']);
      await Promise.all([slowA, fastA]);
      expect(arrivals).toEqual(['b:fast other', 'a:slow first', 'a:fast second']);
    });
  });

  describe('transcription through the pipeline (fake whisper service, real Apertium)', () => {
    let running: RunningApp;
    let whisper: FakeEngineServer;

    beforeAll(async () => {
      whisper = await startFakeWhisper();
      running = await startApp({
        WHISPER_SERVICE_URL: whisper.url,
        TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
        TRANSLATION_SERVICE_KIND: 'apertium',
      });
    });
    afterAll(async () => {
      await running.close();
      await whisper.close();
    });

    it('answers get_models from the speech-to-text engine', async () => {
      const socket = await client(running.url);
      const ack = await emitWithAck(socket, 'service_message', {
        type: 'service_request',
        target_service: 'whisper',
        action: 'get_models',
        request_id: 'models-1',
      });
      expect(ack).toMatchObject({ request_id: 'models-1', target_service: 'whisper', action: 'get_models' });
      expect((ack.data as { models: string[] }).models).toEqual(expect.arrayContaining(['whisper-base']));
    });

    it('acknowledges a base64 chunk with its transcript, and sends transcript and translation to the session', async () => {
      const sender = await client(running.url);
      const member = await client(running.url);
      await join(sender, 'stream-3');
      await join(member, 'stream-3');
      const transcript = nextEvent(member, 'transcription_result', 15000);
      const translation = nextEvent(member, 'translation_result', 15000);
      const senderTranscripts = collect(sender, 'transcription_result');

      const ack = await emitWithAck(sender, 'transcription_stream', {
        audio_data: tone(1, 0.5).toString('base64'),
        format: 'wav',
        sample_rate: 16000,
        language: 'en',
        chunk_id: 'chunk-1',
        target_languages: ['es'],
      });
      // The acknowledgement is the transcription_result itself, as clients of the original service read it.
      expect(ack).toMatchObject({
        chunk_id: 'chunk-1',
        job_id: expect.any(String),
        session_id: 'stream-3',
        text: FAKE_TRANSCRIPT.text,
        language: 'en',
      });
      expect(await transcript).toEqual(ack);
      expect(await translation).toMatchObject({ chunk_id: 'chunk-1', target_lang: 'es', source_lang: 'en' });
      expect(senderTranscripts).toHaveLength(1);
      const upload = whisper.requests.find((r) => r.path.startsWith('/transcribe'));
      expect(upload?.fields.get('audio')).toMatchObject({ size: tone(1, 0.5).length });
    });
  });
});
