import type { KeyValueStore } from '../key-value-store';

/** A driver under test, and how to let time pass for it (a fake clock, or real time for Redis). */
export interface KeyValueStoreFixture {
  create(): { store: KeyValueStore; close?: () => Promise<void> };
  passTime(ms: number): Promise<void>;
}

/** The same behaviour is required of both drivers; each driver's spec runs this. */
export function describeKeyValueStoreContract(name: string, fixture: KeyValueStoreFixture): void {
  describe(name, () => {
    let store: KeyValueStore;
    let close: (() => Promise<void>) | undefined;
    beforeEach(() => {
      ({ store, close } = fixture.create());
    });
    afterEach(async () => close?.());

    it('stores, returns copies, lists by prefix and deletes', async () => {
      const value = { languages: ['es'] };
      await store.set('settings', value);
      await store.set('session:a', { n: 1 });
      await store.set('session:b', { n: 2 });
      value.languages.push('fr');
      expect(await store.get('settings')).toEqual({ languages: ['es'] });
      expect((await store.keys('session:')).sort()).toEqual(['session:a', 'session:b']);
      expect(await store.delete('session:a')).toBe(true);
      expect(await store.delete('session:a')).toBe(false);
      expect(await store.get('session:a')).toBeUndefined();
    });

    it('forgets a value after its time to live', async () => {
      await store.set('short', 'lived', 1);
      expect(await store.get('short')).toBe('lived');
      await fixture.passTime(1100);
      expect(await store.get('short')).toBeUndefined();
      expect(await store.keys('sh')).toEqual([]);
    });

    it('treats glob characters in a prefix literally', async () => {
      await store.set('a*b', 1);
      await store.set('axb', 2);
      expect(await store.keys('a*')).toEqual(['a*b']);
    });
  });
}
