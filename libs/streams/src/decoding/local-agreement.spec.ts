import { LocalAgreement } from './local-agreement';

describe('LocalAgreement', () => {
  it('marks nothing stable after a single decode', () => {
    const agreement = new LocalAgreement();
    expect(agreement.update('the quick brown')).toEqual({ text: 'the quick brown', stableText: '' });
  });

  it('makes the prefix two consecutive decodes share stable', () => {
    const agreement = new LocalAgreement();
    agreement.update('the quick brown');
    expect(agreement.update('the quick crown fox')).toEqual({
      text: 'the quick crown fox',
      stableText: 'the quick',
    });
  });

  it('never takes back a stable word when a later decode disagrees', () => {
    const agreement = new LocalAgreement();
    agreement.update('red green blue');
    agreement.update('red green blue sky');
    const next = agreement.update('rad green blue sky high');
    expect(next.stableText).toBe('red green blue');
    expect(next.text).toBe('red green blue sky high');
  });

  it('ignores case and trailing punctuation when comparing words', () => {
    const agreement = new LocalAgreement();
    agreement.update('Hello world.');
    expect(agreement.update('hello world, again').stableText).toBe('hello world,');
  });
});
