import { fromIso3, languageName, languageToIso1, toIso3 } from './language-codes';

describe('language codes', () => {
  it('maps ISO 639-1 to the ISO 639-3 codes Apertium uses, ignoring region suffixes', () => {
    expect(toIso3('en')).toBe('eng');
    expect(toIso3('es')).toBe('spa');
    expect(toIso3('pt-BR')).toBe('por');
    expect(toIso3('no')).toBe('nob');
    expect(toIso3('spa')).toBe('spa');
    expect(toIso3('xx')).toBeUndefined();
  });

  it('maps ISO 639-3 and Apertium variants back to ISO 639-1', () => {
    expect(fromIso3('eng')).toBe('en');
    expect(fromIso3('cat_valencia')).toBe('ca');
    expect(fromIso3('por_BR')).toBe('pt');
    expect(fromIso3('qqq')).toBeUndefined();
  });

  it("reads whisper.cpp's full language names and plain codes alike", () => {
    expect(languageToIso1('english')).toBe('en');
    expect(languageToIso1('Spanish')).toBe('es');
    expect(languageToIso1('EN')).toBe('en');
    expect(languageToIso1('deu')).toBe('de');
    expect(languageToIso1('klingon')).toBeUndefined();
  });

  it('names languages for engines that list codes only', () => {
    expect(languageName('es')).toBe('Spanish');
    expect(languageName('ht')).toBe('Haitian Creole');
    expect(languageName('xx')).toBe('xx');
  });
});
