import { parseInstanceList } from './instance-list';

describe('parseInstanceList', () => {
  it('reads comma-separated url|weight entries, trimming blanks and trailing slashes', () => {
    expect(parseInstanceList(' http://a:1/ | 3 ,, http://b:2 ')).toEqual([
      { url: 'http://a:1', weight: 3 },
      { url: 'http://b:2', weight: 1 },
    ]);
  });

  it('keeps a non-numeric weight as text so that validation can name it', () => {
    expect(parseInstanceList('http://a:1|x')).toEqual([{ url: 'http://a:1', weight: 'x' }]);
  });
});
