/** Milliseconds since the epoch; injected so time-dependent logic is tested without waiting. */
export type Clock = () => number;

export const CLOCK = Symbol('ANALYTICS_CLOCK');
