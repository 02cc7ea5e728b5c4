/** Finals are measured over this window: long enough to hold several utterances of every open stream. */
const WINDOW_MS = 30_000;
/** Less measurement than this says nothing yet (the first streams are admitted). */
const MIN_SPAN_MS = 5_000;

/**
 * How many decode slots the finals of the open streams keep busy, measured: the time final decodes held a
 * slot over the last 30 s (decodes still running count up to now), divided by the time measured. Finals
 * are the work that must be done; when they alone fill the slots, a new stream can only add lag.
 */
export class FinalLoad {
  private readonly done: { endedAt: number; ms: number }[] = [];
  private readonly running = new Map<number, number>();
  private nextId = 0;
  private firstAt?: number;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A final decode took a slot; call the returned function when it gives it back. */
  started(): () => void {
    const id = this.nextId++;
    const at = this.now();
    this.firstAt ??= at;
    this.running.set(id, at);
    return () => {
      this.running.delete(id);
      const endedAt = this.now();
      this.done.push({ endedAt, ms: endedAt - at });
    };
  }

  /** Slots kept busy by finals on average over the window; undefined while too little was measured. */
  slotsBusy(): number | undefined {
    const now = this.now();
    if (this.firstAt === undefined || now - this.firstAt < MIN_SPAN_MS) return undefined;
    const from = now - WINDOW_MS;
    while (this.done.length > 0 && this.done[0].endedAt < from) this.done.shift();
    let busy = 0;
    for (const { endedAt, ms } of this.done) busy += Math.min(ms, endedAt - from);
    for (const startedAt of this.running.values()) busy += now - Math.max(startedAt, from);
    return busy / Math.min(WINDOW_MS, now - this.firstAt);
  }
}
