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

  it('reads a kind= prefix per entry and leaves bare URLs without one', () => {
    expect(parseInstanceList('openai=http://gpu1:8000|3, whisper-cpp=http://cpu1:8080/ ,http://c:1')).toEqual(
      [
        { url: 'http://gpu1:8000', weight: 3, kind: 'openai' },
        { url: 'http://cpu1:8080', weight: 1, kind: 'whisper-cpp' },
        { url: 'http://c:1', weight: 1 },
      ],
    );
  });

  it('keeps an unknown kind as given so that validation can name it', () => {
    expect(parseInstanceList('deepgram=http://a:1')).toEqual([
      { url: 'http://a:1', weight: 1, kind: 'deepgram' },
    ]);
  });

  it('reads an instance concurrency cap after the weight, kept as text when it is not a number', () => {
    expect(parseInstanceList('whisper-cpp=http://cpu1:8080|1|2, http://b:2|3|many')).toEqual([
      { url: 'http://cpu1:8080', weight: 1, kind: 'whisper-cpp', maxConcurrent: 2 },
      { url: 'http://b:2', weight: 3, maxConcurrent: 'many' },
    ]);
  });
});
