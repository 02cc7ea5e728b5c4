import { unknownWordConfidence } from './apertium-translation.engine';

describe('unknownWordConfidence', () => {
  it('is one minus the share of words marked with *', () => {
    expect(unknownWordConfidence('Hola Mundo, el *blorfington es *flibbering hoy')).toBeCloseTo(5 / 7, 6);
    expect(unknownWordConfidence('')).toBe(1);
    expect(unknownWordConfidence('3 * 4')).toBe(1);
  });
});
