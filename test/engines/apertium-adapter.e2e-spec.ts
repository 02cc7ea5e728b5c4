import type { BackendServiceConfig } from '@app/config';
import { ApertiumTranslationEngine } from '../../libs/engines/src/translation/apertium-translation.engine';
import { FetchBackendClient } from '../support/fetch-backend-client';

/** Against the real Apertium APY (eng-spa) started by the jest global setup. */
describe('apertium adapter (real APY)', () => {
  const url = process.env.TEST_APERTIUM_URL as string;
  const settings: BackendServiceConfig = { kind: 'apertium', instances: [{ url, weight: 1 }] };
  const engine = new ApertiumTranslationEngine(new FetchBackendClient({ translation: url }), () => settings);

  it('translates English to Spanish through ISO 639-3 codes with full confidence for known words', async () => {
    const result = await engine.translate({
      text: 'Good morning',
      sourceLanguage: 'en',
      targetLanguage: 'es',
    });
    expect(result).toMatchObject({
      translatedText: 'Buenos días',
      sourceLanguage: 'en',
      targetLanguage: 'es',
      confidence: 1,
      backend: 'apertium@translation-0',
    });
  });

  it('strips unknown-word marks and lowers the confidence by their share', async () => {
    const result = await engine.translate({
      text: 'the blorfington is big',
      sourceLanguage: 'en',
      targetLanguage: 'es',
    });
    expect(result.translatedText).not.toContain('*');
    expect(result.translatedText).toContain('blorfington');
    const words = result.translatedText.split(/\s+/).length;
    expect(result.confidence).toBeCloseTo(1 - 1 / words, 6);
  });

  it('refuses a missing pair finally and cannot detect the source language', async () => {
    await expect(
      engine.translate({ text: 'hi', sourceLanguage: 'en', targetLanguage: 'fr' }),
    ).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('That pair is not installed'),
    });
    await expect(
      engine.translate({ text: 'hi', sourceLanguage: 'auto', targetLanguage: 'es' }),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED_LANGUAGE',
      retryable: false,
    });
  });

  it('lists the installed pairs as ISO 639-1 languages with targets', async () => {
    const languages = await engine.languages('translation-0');
    expect(languages).toEqual(
      expect.arrayContaining([
        { code: 'en', name: 'English', targets: ['es'] },
        { code: 'es', name: 'Spanish', targets: ['en'] },
      ]),
    );
  });
});
