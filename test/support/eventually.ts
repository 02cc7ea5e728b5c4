/**
 * The tests' one wait for a condition that something else makes true (a breaker opening, a job finishing,
 * a process answering): probes every `intervalMs` until `probe` returns a value other than `undefined` or
 * `false`, and fails after `timeoutMs` naming what it waited for and the last error the probe threw.
 */
export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

export async function eventually<T>(
  what: string | (() => string),
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 5000, intervalMs = 50 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error instanceof Error ? error : new Error(String(error));
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const described = typeof what === 'function' ? what() : what;
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${described}${last ? ` (${last.message})` : ''}`,
  );
}
