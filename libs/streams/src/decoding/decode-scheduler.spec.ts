import { DecodeScheduler } from './decode-scheduler';

/** A decode the test finishes by hand. */
function gate(): { promise: Promise<string>; finish: (value: string) => void } {
  let finish!: (value: string) => void;
  const promise = new Promise<string>((resolve) => (finish = resolve));
  return { promise, finish };
}

describe('DecodeScheduler', () => {
  it('runs finals before interims, oldest final first, within the capacity', async () => {
    const scheduler = new DecodeScheduler(() => 1);
    const order: string[] = [];
    const blocker = gate();
    const first = scheduler.final('a', () => blocker.promise);
    const interim = scheduler.interim(
      'b',
      async () => order.push('interim b'),
      () => undefined,
    );
    const finalA = scheduler.final('a', async () => order.push('final a2'));
    const finalC = scheduler.final('c', async () => order.push('final c'));
    expect(scheduler.inFlight).toBe(1);
    expect(scheduler.waiting).toEqual({ finals: 2, interims: 1 });
    blocker.finish('done');
    await Promise.all([first, interim, finalA, finalC]);
    expect(order).toEqual(['final a2', 'final c', 'interim b']);
  });

  it('starts waiting decodes as soon as it is told its slots grew, and starts none beyond them when they shrink', async () => {
    let slots = 1;
    const scheduler = new DecodeScheduler(() => slots);
    const decodes = [gate(), gate(), gate()];
    const done = decodes.map((decode, i) => scheduler.final(`s${i}`, () => decode.promise));
    expect(scheduler.inFlight).toBe(1);
    slots = 3;
    scheduler.resized();
    expect(scheduler.inFlight).toBe(3);
    slots = 1;
    decodes[0].finish('a');
    decodes[1].finish('b');
    await Promise.all(done.slice(0, 2));
    const fourth = gate();
    const last = scheduler.final('s3', () => fourth.promise);
    // Two ended, one runs: the slot count of 1 is full, so the new final waits.
    expect([scheduler.inFlight, scheduler.waiting.finals]).toEqual([1, 1]);
    decodes[2].finish('c');
    await done[2];
    expect(scheduler.inFlight).toBe(1);
    fourth.finish('d');
    await last;
  });

  it('keeps one waiting interim per stream: a newer one replaces and sheds the older', async () => {
    const scheduler = new DecodeScheduler(() => 1);
    const blocker = gate();
    void scheduler.final('x', () => blocker.promise);
    let shed = 0;
    const older = scheduler.interim(
      's',
      async () => 'old',
      () => shed++,
    );
    const newer = scheduler.interim(
      's',
      async () => 'new',
      () => shed++,
    );
    await expect(older).resolves.toBeUndefined();
    expect(shed).toBe(1);
    blocker.finish('done');
    await expect(newer).resolves.toBe('new');
  });

  it('drops the waiting interim of a forgotten stream without counting it as shed', async () => {
    const scheduler = new DecodeScheduler(() => 1);
    const blocker = gate();
    void scheduler.final('x', () => blocker.promise);
    let shed = 0;
    const waiting = scheduler.interim(
      's',
      async () => 'never',
      () => shed++,
    );
    scheduler.forget('s');
    await expect(waiting).resolves.toBeUndefined();
    expect(shed).toBe(0);
    blocker.finish('done');
  });

  it('passes a failed decode to its caller and goes on with the next', async () => {
    const scheduler = new DecodeScheduler(() => 1);
    const failed = scheduler.final('a', () => Promise.reject(new Error('engine down')));
    const next = scheduler.final('a', async () => 'ok');
    await expect(failed).rejects.toThrow('engine down');
    await expect(next).resolves.toBe('ok');
    expect(scheduler.inFlight).toBe(0);
  });

  it('sheds waiting and new interims while paused, and still runs finals', async () => {
    const scheduler = new DecodeScheduler(() => 1);
    const blocker = gate();
    void scheduler.final('x', () => blocker.promise);
    let shed = 0;
    const waiting = scheduler.interim(
      's',
      async () => 'old',
      () => shed++,
    );
    scheduler.pauseInterims(true);
    await expect(waiting).resolves.toBeUndefined();
    await expect(
      scheduler.interim(
        't',
        async () => 'new',
        () => shed++,
      ),
    ).resolves.toBeUndefined();
    expect(shed).toBe(2);
    const final = scheduler.final('s', async () => 'final');
    blocker.finish('done');
    await expect(final).resolves.toBe('final');
    scheduler.pauseInterims(false);
    await expect(
      scheduler.interim(
        's',
        async () => 'again',
        () => shed++,
      ),
    ).resolves.toBe('again');
  });

  it('measures the slots finals keep busy', async () => {
    let now = 0;
    const scheduler = new DecodeScheduler(
      () => 2,
      () => now,
    );
    const blocker = gate();
    const final = scheduler.final('a', () => blocker.promise);
    now = 6000;
    expect(scheduler.finalLoad.slotsBusy()).toBeCloseTo(1);
    blocker.finish('done');
    await final;
    now = 12000;
    expect(scheduler.finalLoad.slotsBusy()).toBeCloseTo(0.5);
  });
});
