import type { LanguageInfo, TranslationRequest, TranslationResult } from '../engine.types';
import {
  SourceDetectingTranslationEngine,
  type WholeLanguagesEngine,
} from './source-detecting-translation.engine';

/** An engine that cannot detect, translating into `es` from the given languages; it records what it was asked. */
function engineFrom(sources: string[]): WholeLanguagesEngine & { asked: TranslationRequest[] } {
  const asked: TranslationRequest[] = [];
  return {
    kind: 'apertium',
    detectsSourceLanguage: false,
    asked,
    translate: (request): Promise<TranslationResult> => {
      asked.push(request);
      return Promise.resolve({
        text: request.text,
        translatedText: `[${request.sourceLanguage}] ${request.text}`,
        sourceLanguage: request.sourceLanguage,
        targetLanguage: request.targetLanguage,
        confidence: 1,
        backend: 'apertium@translation-0',
        processingMs: 1,
      });
    },
    languages: (): Promise<LanguageInfo[]> =>
      Promise.resolve(sources.map((code) => ({ code, name: code, targets: ['es'] }))),
  };
}

const request = (text: string, sourceLanguage = 'auto'): TranslationRequest => ({
  text,
  sourceLanguage,
  targetLanguage: 'es',
});

describe('SourceDetectingTranslationEngine', () => {
  it('identifies the source among the languages the engine translates into the target', async () => {
    const engine = engineFrom(['en', 'fr', 'de']);
    const detecting = new SourceDetectingTranslationEngine(engine, () => Promise.resolve('auto'));
    const result = await detecting.translate(request('Bonjour tout le monde, la réunion commence'));
    expect(engine.asked[0].sourceLanguage).toBe('fr');
    expect(result.detectedLanguage).toMatchObject({ language: 'fr', method: 'identified' });
    expect(result.detectedLanguage?.confidence).toBeGreaterThan(0);
  });

  it('falls back to the configured default source language when nothing is identified', async () => {
    const engine = engineFrom(['en', 'fr', 'de']);
    const detecting = new SourceDetectingTranslationEngine(engine, () => Promise.resolve('de'));
    const result = await detecting.translate(request('12345'));
    expect(engine.asked[0].sourceLanguage).toBe('de');
    expect(result.detectedLanguage).toEqual({ language: 'de', confidence: 0, method: 'default' });
  });

  it('uses the one language the engine translates from when no default is configured', async () => {
    const engine = engineFrom(['en']);
    const detecting = new SourceDetectingTranslationEngine(engine, () => Promise.resolve('auto'));
    await detecting.translate(request('12345'));
    expect(engine.asked[0].sourceLanguage).toBe('en');
  });

  it('passes a given source language through untouched, without asking for the pairs', async () => {
    const engine = engineFrom(['en']);
    const languages = jest.spyOn(engine, 'languages');
    const detecting = new SourceDetectingTranslationEngine(engine, () => Promise.resolve('auto'));
    const result = await detecting.translate(request('Hello world', 'en'));
    expect(result.detectedLanguage).toBeUndefined();
    expect(languages).not.toHaveBeenCalled();
  });
});
