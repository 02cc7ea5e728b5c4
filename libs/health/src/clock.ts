/** Milliseconds since the epoch; injected so uptime and timestamps can be tested without waiting. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

export const HEALTH_CLOCK = Symbol('HEALTH_CLOCK');
