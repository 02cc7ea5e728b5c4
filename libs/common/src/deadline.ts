export class DeadlineExceededError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * Settles as `work` does, or rejects with DeadlineExceededError after `ms`. For calls that can wait forever,
 * such as Redis commands queued while Redis is unreachable. The timer never keeps the process alive.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(what, ms)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `work` to settle, at most `ms`; never rejects. For shutdown steps that must not hang. */
export async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  await withDeadline(work, ms, 'wait').catch(() => undefined);
}
