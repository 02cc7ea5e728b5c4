/**
 * Per-connection message accounting, kept as plain numbers on the connection record: with 10,000
 * connections an object (or timer) per connection per concern would be the memory budget.
 */
export interface RateState {
  /** Token bucket for the limit: tokens left and when they were last refilled (ms). */
  tokens: number;
  refilledAt: number;
  /** Sliding-window rate meter: messages in the current and previous window, and the current window's start. */
  windowStart: number;
  current: number;
  previous: number;
}

export const RATE_WINDOW_MS = 5000;

export function newRateState(now: number, limitPerSecond: number): RateState {
  return { tokens: limitPerSecond, refilledAt: now, windowStart: now, current: 0, previous: 0 };
}

/**
 * Takes one token; false when the connection is over its limit. The bucket holds one second's worth, so a
 * client may burst up to the limit and then sustain the limit per second.
 */
export function takeToken(state: RateState, now: number, limitPerSecond: number): boolean {
  const refill = ((now - state.refilledAt) / 1000) * limitPerSecond;
  state.tokens = Math.min(limitPerSecond, state.tokens + refill);
  state.refilledAt = now;
  if (state.tokens < 1) return false;
  state.tokens -= 1;
  return true;
}

export function countMessage(state: RateState, now: number): void {
  roll(state, now);
  state.current += 1;
}

/** Messages per second over the last window, weighting the previous window by how much of it still counts. */
export function messagesPerSecond(state: RateState, now: number): number {
  roll(state, now);
  const elapsed = (now - state.windowStart) / RATE_WINDOW_MS;
  return (state.previous * (1 - elapsed) + state.current) / (RATE_WINDOW_MS / 1000);
}

function roll(state: RateState, now: number): void {
  const windows = Math.floor((now - state.windowStart) / RATE_WINDOW_MS);
  if (windows <= 0) return;
  state.previous = windows === 1 ? state.current : 0;
  state.current = 0;
  state.windowStart += windows * RATE_WINDOW_MS;
}
