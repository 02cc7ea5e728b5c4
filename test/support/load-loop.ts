/** One request of a load loop, as the client saw it. */
export interface LoadSample {
  /** HTTP status, or 0 when the request failed without one (connection refused, aborted). */
  status: number;
  /** The error code of a JSON error body, if any. */
  code?: string;
  /** Milliseconds from sending to the end of the body. */
  ms: number;
  /** Milliseconds since the loop started, when the request was sent. */
  startedAt: number;
  /** Set when the request failed without a status, e.g. 'TimeoutError' when it hung past its deadline. */
  failure?: string;
}

export interface LoadOptions {
  url: string;
  init?: () => RequestInit;
  /** Parallel clients, each sending its next request when the previous one ended. */
  concurrency: number;
  /** The loop ends at whichever comes first (with `until`, when given). */
  durationMs: number;
  maxRequests: number;
  /** A request still unanswered after this long counts as hung and is aborted. */
  deadlineMs: number;
  /**
   * The `performance.now()` reading that `startedAt` counts from (default: when the loop starts), so a test
   * can time its own events (a kill, a restart) on the same clock as the samples.
   */
  origin?: number;
  /** Ends the loop early once it settles: a fault test runs its load until the fault and a margin are over. */
  until?: Promise<unknown>;
}

/**
 * A bounded load: `concurrency` clients in closed loop, capped both in time and in request count, so a
 * fault test can never run away. Every request carries its own deadline.
 */
export async function runLoad(options: LoadOptions): Promise<LoadSample[]> {
  const samples: LoadSample[] = [];
  const started = options.origin ?? performance.now();
  let sent = 0;
  let ended = false;
  void options.until?.finally(() => (ended = true));
  const client = async (): Promise<void> => {
    while (!ended && performance.now() - started < options.durationMs && sent < options.maxRequests) {
      sent += 1;
      const begin = performance.now();
      const sample: LoadSample = { status: 0, ms: 0, startedAt: begin - started };
      try {
        const response = await fetch(options.url, {
          ...options.init?.(),
          signal: AbortSignal.timeout(options.deadlineMs),
        });
        sample.status = response.status;
        const text = await response.text();
        if (response.status >= 400) {
          sample.code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        }
      } catch (error) {
        sample.failure = (error as Error).name;
      }
      sample.ms = performance.now() - begin;
      samples.push(sample);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return samples.sort((a, b) => a.startedAt - b.startedAt);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
