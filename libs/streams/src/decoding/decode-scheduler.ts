import { FinalLoad } from './final-load';

interface QueuedDecode {
  streamId: string;
  run: () => Promise<void>;
}

/**
 * The live streams' decodes share the speech-to-text engines through one queue per process, with at most
 * `capacity()` in flight. Finals go first, oldest first, and are never dropped: a caption that never
 * arrives is worse than a late one. Each stream has at most one interim decode waiting; a newer one
 * replaces it (the replaced one is shed), because only the latest view of an utterance is worth showing.
 * While the speech-to-text service has no instance in rotation, interims are shed at once (they would only
 * fail) and finals wait for their retries. The time finals hold slots is measured (`finalLoad`) for the
 * admission of new streams.
 */
export class DecodeScheduler {
  private readonly finals: QueuedDecode[] = [];
  private readonly interims = new Map<string, QueuedDecode & { drop: (shed: boolean) => void }>();
  private running = 0;
  private interimsPaused = false;
  readonly finalLoad: FinalLoad;

  constructor(
    private readonly capacity: () => number,
    now?: () => number,
  ) {
    this.finalLoad = new FinalLoad(now);
  }

  /** The decode slots now. */
  get slots(): number {
    return this.capacity();
  }

  /** The slots may have grown: starts what now fits. */
  resized(): void {
    this.pump();
  }

  get inFlight(): number {
    return this.running;
  }

  get waiting(): { finals: number; interims: number } {
    return { finals: this.finals.length, interims: this.interims.size };
  }

  /** Runs a final decode when its turn comes; settles as the decode does. */
  final<T>(streamId: string, decode: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.finals.push({
        streamId,
        run: () => {
          const done = this.finalLoad.started();
          return decode().finally(done).then(resolve, reject);
        },
      });
      this.pump();
    });
  }

  /**
   * Runs an interim decode when no final waits; resolves undefined when a newer interim of the same stream
   * replaced it before it ran (`onShed` is then called).
   */
  interim<T>(streamId: string, decode: () => Promise<T>, onShed: () => void): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      this.interims.get(streamId)?.drop(true);
      if (this.interimsPaused) {
        this.interims.delete(streamId);
        onShed();
        resolve(undefined);
        return;
      }
      // Delete first so that the new entry goes to the back: interims are served oldest stream first.
      this.interims.delete(streamId);
      this.interims.set(streamId, {
        streamId,
        run: () => decode().then(resolve, reject),
        drop: (shed) => {
          if (shed) onShed();
          resolve(undefined);
        },
      });
      this.pump();
    });
  }

  /** Sheds every waiting interim and each new one until resumed; finals are not affected. */
  pauseInterims(paused: boolean): void {
    this.interimsPaused = paused;
    if (!paused) return;
    for (const waiting of this.interims.values()) waiting.drop(true);
    this.interims.clear();
  }

  /** A stream that ends drops its waiting interim (not counted as shed: nobody waits for it any more). */
  forget(streamId: string): void {
    const waiting = this.interims.get(streamId);
    if (!waiting) return;
    this.interims.delete(streamId);
    waiting.drop(false);
  }

  private pump(): void {
    while (this.running < this.capacity()) {
      const next = this.finals.shift() ?? this.takeInterim();
      if (!next) return;
      this.running++;
      void next.run().finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private takeInterim(): QueuedDecode | undefined {
    const first = this.interims.values().next();
    if (first.done) return undefined;
    this.interims.delete(first.value.streamId);
    return first.value;
  }
}
