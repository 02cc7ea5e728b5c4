import { startApp, type RunningApp } from '../support/app-harness';
import { connectClient, emitWithAck, type ClientSocket } from '../support/socket-client';

/**
 * The product description's own example: `translation_stream` with no source language, against the real
 * Apertium, which cannot detect one. The orchestrator identifies it and says how.
 */
describe('translation without a source language on an engine that cannot detect one (real Apertium)', () => {
  let running: RunningApp;
  let socket: ClientSocket;

  beforeAll(async () => {
    running = await startApp({
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
      HEALTH_CHECK_INTERVAL: '3600',
    });
    ({ socket } = await connectClient(running.url));
  });
  afterAll(async () => {
    socket?.close();
    await running?.close();
  });

  it("translates { text: 'Hello world', target_lang: 'es' } and reports the identified language", async () => {
    const ack = await emitWithAck(socket, 'translation_stream', { text: 'Hello world', target_lang: 'es' });
    expect(ack.error).toBeUndefined();
    expect(ack).toMatchObject({
      text: 'Hello world',
      source_lang: 'en',
      target_lang: 'es',
      backend: expect.stringContaining('apertium'),
      detected_language: { language: 'en', method: 'identified', confidence: expect.any(Number) },
    });
    expect(String(ack.translated_text).toLowerCase()).toContain('hola');
    const { confidence } = ack.detected_language as { confidence: number };
    expect(confidence).toBeGreaterThan(0);
    expect(confidence).toBeLessThanOrEqual(1);
  });

  it('identifies Spanish for an English target', async () => {
    const ack = await emitWithAck(socket, 'translation_stream', {
      text: 'Buenos días a todos, la reunión empieza ahora',
      source_lang: 'auto',
      target_lang: 'en',
    });
    expect(ack).toMatchObject({
      source_lang: 'es',
      detected_language: { language: 'es', method: 'identified' },
    });
    expect(String(ack.translated_text).toLowerCase()).toContain('good');
  });

  it('names no detection when the client gave the source language', async () => {
    const ack = await emitWithAck(socket, 'translation_stream', {
      text: 'Good morning',
      source_lang: 'en',
      target_lang: 'es',
    });
    expect(ack.source_lang).toBe('en');
    expect(ack.detected_language).toBeUndefined();
  });
});
