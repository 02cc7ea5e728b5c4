/**
 * The engine's decoder slots (CONTRACTS §6 latency model): a call waits for a free slot, in arrival order,
 * then holds it for `base + rtf × audio length`. `reset()` forgets every holder and waiter, as a crash does.
 */
export class DecoderSlots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private generation = 0;
  /** Slot-milliseconds spent decoding so far: divided by a stretch of time, the slots the load needed. */
  busyMs = 0;

  constructor(
    private readonly slots: number,
    public latency: { baseMs: number; rtf: number },
  ) {}

  /** Resolves true once the call has been decoded; false if the engine crashed meanwhile. */
  async decode(audioMs: number): Promise<boolean> {
    const generation = this.generation;
    // A freed slot is handed straight to the next waiter, so a newcomer cannot overtake the queue.
    if (this.busy < this.slots) this.busy++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (generation !== this.generation) return false;
    const decodeMs = this.latency.baseMs + this.latency.rtf * audioMs;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, decodeMs);
      this.timers.add(timer);
    });
    this.busyMs += decodeMs;
    const next = this.waiting.shift();
    if (next) next();
    else this.busy--;
    return true;
  }

  /** Drops every call in progress or waiting; their promises never settle, like requests to a dead process. */
  reset(): void {
    this.generation++;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.waiting.length = 0;
    this.busy = 0;
  }
}
