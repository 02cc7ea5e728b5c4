import type { BackendServiceConfig } from '@app/config';
import { FetchBackendClient } from '../../../../test/support/fetch-backend-client';
import { startFakeEngine, type FakeEngineServer } from '../../../../test/support/fake-engine-server';
import { UNSCORED_CONFIDENCE } from '../confidence';
import { EngineError, isRetryable } from '../engine-error';
import { LibreTranslateTranslationEngine } from './libretranslate-translation.engine';
import { LivetranslateTranslationEngine } from './livetranslate-translation.engine';

describe('translation adapters against their contracts (CONTRACTS §4, §5)', () => {
  let server: FakeEngineServer;
  let client: FetchBackendClient;
  let settings: BackendServiceConfig;

  beforeEach(async () => {
    server = await startFakeEngine(() => ({ status: 404, json: { error: 'Not Found' } }));
    client = new FetchBackendClient({ translation: server.url });
    settings = { kind: 'livetranslate', instances: [{ url: server.url, weight: 1 }] };
  });
  afterEach(() => server.close());

  describe('livetranslate', () => {
    const answer = {
      translated_text: 'Hola mundo',
      source_language: 'en',
      target_language: 'es',
      confidence_score: 0.87,
      processing_time: 0.05,
      backend_used: 'llama',
      session_id: null,
      timestamp: '2026-01-01T00:00:00Z',
    };

    it('uses POST /api/translate with text, source_language and target_language', async () => {
      server.handle((r) => (r.path === '/api/translate' ? { json: answer } : { status: 404, json: {} }));
      const engine = new LivetranslateTranslationEngine(client, () => settings);
      const result = await engine.translate({
        text: 'Hello world',
        sourceLanguage: 'en',
        targetLanguage: 'es',
        sessionId: 's1',
      });
      expect(server.requests[0].json).toEqual({
        text: 'Hello world',
        source_language: 'en',
        target_language: 'es',
        session_id: 's1',
      });
      expect(result).toMatchObject({
        text: 'Hello world',
        translatedText: 'Hola mundo',
        sourceLanguage: 'en',
        targetLanguage: 'es',
        confidence: 0.87,
        backend: 'livetranslate@translation-0',
      });
    });

    it('falls back to POST /translate on 404 and keeps using it', async () => {
      server.handle((r) =>
        r.path === '/translate' ? { json: answer } : { status: 404, json: { error: 'Not Found' } },
      );
      const engine = new LivetranslateTranslationEngine(client, () => settings);
      await engine.translate({ text: 'Hello world', sourceLanguage: 'auto', targetLanguage: 'es' });
      await engine.translate({ text: 'Hello again', sourceLanguage: 'auto', targetLanguage: 'es' });
      expect(server.requests.map((r) => r.path)).toEqual(['/api/translate', '/translate', '/translate']);
      expect((server.requests[1].json as { source_language: string }).source_language).toBe('auto');
    });

    it("fails finally on 400 with the service's message", async () => {
      server.handle(() => ({ status: 400, json: { error: "Missing 'text' field" } }));
      const engine = new LivetranslateTranslationEngine(client, () => settings);
      const error = await engine
        .translate({ text: '', sourceLanguage: 'en', targetLanguage: 'es' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EngineError);
      expect(isRetryable(error)).toBe(false);
      expect((error as Error).message).toContain("Missing 'text' field");
    });

    it('lists languages from GET /languages', async () => {
      server.handle(() => ({ json: { languages: [{ code: 'es', name: 'Spanish' }], count: 1 } }));
      const engine = new LivetranslateTranslationEngine(client, () => settings);
      await expect(engine.languages('translation-0')).resolves.toEqual([{ code: 'es', name: 'Spanish' }]);
    });
  });

  describe('libretranslate', () => {
    it('posts q, source, target, format text and api_key; detection confidence 0–100 becomes 0..1', async () => {
      settings.apiKey = 'lt-key';
      server.handle(() => ({
        json: { translatedText: 'Hola', detectedLanguage: { language: 'en', confidence: 83 } },
      }));
      const engine = new LibreTranslateTranslationEngine(client, () => settings);
      const result = await engine.translate({ text: 'Hello', sourceLanguage: 'auto', targetLanguage: 'es' });
      expect(server.requests[0].path).toBe('/translate');
      expect(server.requests[0].json).toEqual({
        q: 'Hello',
        source: 'auto',
        target: 'es',
        format: 'text',
        api_key: 'lt-key',
      });
      expect(result).toMatchObject({
        translatedText: 'Hola',
        sourceLanguage: 'en',
        confidence: 0.83,
        backend: 'libretranslate@translation-0',
      });
    });

    it('reports the unscored confidence when the source was given, and sends no api_key without one', async () => {
      server.handle(() => ({ json: { translatedText: 'Hola' } }));
      const engine = new LibreTranslateTranslationEngine(client, () => settings);
      const result = await engine.translate({ text: 'Hello', sourceLanguage: 'en', targetLanguage: 'es' });
      expect(server.requests[0].json).not.toHaveProperty('api_key');
      expect(result).toMatchObject({ sourceLanguage: 'en', confidence: UNSCORED_CONFIDENCE });
    });

    it('treats 429 as retryable back-pressure and 400/403 as final', async () => {
      const engine = new LibreTranslateTranslationEngine(client, () => settings);
      server.handle(() => ({
        status: 429,
        json: { error: 'Slowdown: 30 per 1 minute' },
        headers: { 'retry-after': '2' },
      }));
      const slowdown = await engine
        .translate({ text: 'a', sourceLanguage: 'en', targetLanguage: 'es' })
        .catch((e: unknown) => e);
      expect(slowdown).toMatchObject({
        code: 'ENGINE_RATE_LIMITED',
        retryable: true,
        details: expect.objectContaining({ retry_after_seconds: 2 }),
      });
      server.handle(() => ({ status: 403, json: { error: 'Invalid API key' } }));
      await expect(
        engine.translate({ text: 'a', sourceLanguage: 'en', targetLanguage: 'es' }),
      ).rejects.toMatchObject({
        retryable: false,
        message: expect.stringContaining('Invalid API key'),
      });
    });

    it('lists languages with their targets from GET /languages', async () => {
      server.handle(() => ({ json: [{ code: 'en', name: 'English', targets: ['es', 'fr'] }] }));
      const engine = new LibreTranslateTranslationEngine(client, () => settings);
      await expect(engine.languages('translation-0')).resolves.toEqual([
        { code: 'en', name: 'English', targets: ['es', 'fr'] },
      ]);
    });
  });
});
