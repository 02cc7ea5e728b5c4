import { RealtimeError } from './realtime-error';

interface Lane {
  tail: Promise<unknown>;
  pending: number;
}

/**
 * Runs tasks of one key (a session) strictly in order, and tasks of different keys independently, so a slow
 * backend call in one session never delays another. Each key's backlog is bounded.
 */
export class KeyedSerialQueue {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly maxPendingPerKey: number) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const lane = this.lanes.get(key) ?? { tail: Promise.resolve(), pending: 0 };
    if (lane.pending >= this.maxPendingPerKey) {
      return Promise.reject(
        new RealtimeError(
          'OVERLOADED',
          `More than ${this.maxPendingPerKey} items are waiting in this session; slow down`,
        ),
      );
    }
    lane.pending += 1;
    this.lanes.set(key, lane);
    const result = lane.tail.then(task);
    lane.tail = result.then(
      () => this.settle(key, lane),
      () => this.settle(key, lane),
    );
    return result;
  }

  /** Keys with work queued or running. */
  get activeKeys(): number {
    return this.lanes.size;
  }

  private settle(key: string, lane: Lane): void {
    lane.pending -= 1;
    if (lane.pending === 0 && this.lanes.get(key) === lane) this.lanes.delete(key);
  }
}
