import type { PipelineState } from './state/pipeline-state';

export interface FinishNotice {
  /** Resolves at the job's next finish notice, or at a notice that some may have been missed. */
  readonly next: Promise<void>;
  /** Stops waiting (the caller answered otherwise). */
  cancel(): void;
}

/**
 * Acknowledgements waiting for jobs' transcriptions, woken by the pipeline state's finish notices (from
 * this process, or through Redis from the process that ran the stage) instead of re-reading each job on
 * a timer. Listens to the state only once something waits, so a worker process makes no subscription.
 */
export class FinishNotices {
  private readonly waiting = new Map<string, Set<() => void>>();
  private listening = false;

  constructor(private readonly state: PipelineState) {}

  /** Arm before reading the job, so that a finish between the read and the wait is not missed. */
  arm(jobId: string): FinishNotice {
    if (!this.listening) {
      this.state.onFinished((id) => this.wake(id));
      this.listening = true;
    }
    let wake: () => void = () => undefined;
    const next = new Promise<void>((resolve) => (wake = resolve));
    const waiters = this.waiting.get(jobId) ?? new Set();
    waiters.add(wake);
    this.waiting.set(jobId, waiters);
    return { next, cancel: () => this.remove(jobId, wake) };
  }

  private wake(jobId: string | undefined): void {
    for (const id of jobId === undefined ? [...this.waiting.keys()] : [jobId]) {
      const waiters = this.waiting.get(id);
      this.waiting.delete(id);
      for (const wake of waiters ?? []) wake();
    }
  }

  private remove(jobId: string, wake: () => void): void {
    const waiters = this.waiting.get(jobId);
    waiters?.delete(wake);
    if (waiters?.size === 0) this.waiting.delete(jobId);
  }
}
