import { countMessage, messagesPerSecond, newRateState, takeToken } from './message-rate';

describe('message rate limit', () => {
  it('allows a burst of the limit, then refuses until tokens refill', () => {
    const state = newRateState(0, 5);
    const burst = Array.from({ length: 7 }, () => takeToken(state, 0, 5));
    expect(burst).toEqual([true, true, true, true, true, false, false]);
    expect(takeToken(state, 100, 5)).toBe(false);
    expect(takeToken(state, 200, 5)).toBe(true);
  });

  it('sustains exactly the limit per second', () => {
    const state = newRateState(0, 10);
    let allowed = 0;
    for (let ms = 0; ms < 10_000; ms += 10) if (takeToken(state, ms, 10)) allowed += 1;
    // One second's burst plus ten per second for the ten seconds.
    expect(allowed).toBeGreaterThanOrEqual(108);
    expect(allowed).toBeLessThanOrEqual(110);
  });
});

describe('messages per second', () => {
  it('reports the recent rate and decays to zero when the connection goes quiet', () => {
    const state = newRateState(0, 50);
    for (let ms = 0; ms < 5000; ms += 100) countMessage(state, ms);
    expect(messagesPerSecond(state, 5000)).toBeCloseTo(10, 5);
    expect(messagesPerSecond(state, 7500)).toBeCloseTo(5, 5);
    expect(messagesPerSecond(state, 20_000)).toBe(0);
  });
});
