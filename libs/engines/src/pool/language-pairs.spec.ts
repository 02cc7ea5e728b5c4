import { availablePairs, pairsOf, planRoute } from './language-pairs';

describe('language pairs of a pool', () => {
  const apertium = pairsOf([
    { code: 'en', name: 'English', targets: ['es'] },
    { code: 'es', name: 'Spanish', targets: ['en'] },
  ]);
  const libre = pairsOf([
    { code: 'en', name: 'English', targets: ['fr'] },
    { code: 'fr', name: 'French', targets: ['en'] },
  ]);
  const pool = new Set([...apertium, ...libre]);

  it('reads named targets, or every listed language into every other when the engine names none', () => {
    expect([...apertium].sort()).toEqual(['en>es', 'es>en']);
    expect(
      [
        ...pairsOf([
          { code: 'de', name: 'German' },
          { code: 'pt-BR', name: 'Portuguese' },
        ]),
      ].sort(),
    ).toEqual(['de>pt', 'pt>de']);
  });

  it('routes directly, through the pivot when both legs exist, or not at all', () => {
    expect(planRoute(pool, 'en', 'es', 'en')).toEqual({ kind: 'direct' });
    expect(planRoute(pool, 'es', 'fr', 'en')).toEqual({ kind: 'pivot', via: 'en' });
    expect(planRoute(pool, 'en', 'de', 'en')).toEqual({ kind: 'none' });
    expect(planRoute(pool, 'es', 'fr', 'de')).toEqual({ kind: 'none' });
  });

  it('lists direct pairs and the pivoted ones', () => {
    expect(availablePairs(pool, 'en')).toEqual([
      { source: 'en', target: 'es' },
      { source: 'en', target: 'fr' },
      { source: 'es', target: 'en' },
      { source: 'es', target: 'fr', via: 'en' },
      { source: 'fr', target: 'en' },
      { source: 'fr', target: 'es', via: 'en' },
    ]);
  });
});
