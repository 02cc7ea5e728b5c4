import { startApp, type RunningApp } from './app-harness';
import { startFakeEngine, type FakeEngineServer } from './fake-engine-server';

/**
 * A LibreTranslate-shaped engine (CONTRACTS §4) that serves en↔fr only and marks what it translated; asked
 * with `source: auto` it detects English, as LibreTranslate reports it (confidence 0–100).
 */
export function startLibreTranslateFake(): Promise<FakeEngineServer> {
  return startFakeEngine((request) => {
    if (request.method === 'GET' && request.path === '/health') return { json: { status: 'ok' } };
    if (request.method === 'GET' && request.path === '/languages') {
      return {
        json: [
          { code: 'en', name: 'English', targets: ['fr'] },
          { code: 'fr', name: 'French', targets: ['en'] },
        ],
      };
    }
    if (request.method === 'POST' && request.path === '/translate') {
      const { q, source, target } = JSON.parse(request.body.toString('utf8')) as Record<string, string>;
      const from = source === 'auto' ? 'en' : source;
      if (`${from}>${target}` !== 'en>fr' && `${from}>${target}` !== 'fr>en')
        return { status: 400, json: { error: `${from}>${target} is not available` } };
      return {
        json: {
          translatedText: `[${target}] ${q}`,
          ...(source === 'auto' ? { detectedLanguage: { language: 'en', confidence: 90 } } : {}),
        },
      };
    }
    return { status: 404, json: { error: 'Not Found' } };
  });
}

/**
 * Issue 18's mixed translation pool: the real Apertium (eng↔spa, `TEST_APERTIUM_URL`) and this fake (en↔fr)
 * behind one app, with `env` on top.
 */
export async function startMixedTranslationPool(
  env: Record<string, string> = {},
): Promise<{ app: RunningApp; libre: FakeEngineServer }> {
  const libre = await startLibreTranslateFake();
  const app = await startApp({
    TRANSLATION_SERVICE_URL: `apertium=${process.env.TEST_APERTIUM_URL},libretranslate=${libre.url}`,
    HEALTH_CHECK_INTERVAL: '1',
    ...env,
  });
  return { app, libre };
}
