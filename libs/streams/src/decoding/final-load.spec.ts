import { FinalLoad } from './final-load';

describe('FinalLoad', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => (now = 0));

  it('says nothing before 5 s of measurement', () => {
    const load = new FinalLoad(clock);
    const done = load.started();
    now = 4000;
    done();
    expect(load.slotsBusy()).toBeUndefined();
  });

  it('is the share of time finals held slots, counting decodes still running up to now', () => {
    const load = new FinalLoad(clock);
    // Two slots' worth of finals over 10 s: one decode the whole time, another for the last 5 s.
    const first = load.started();
    now = 5000;
    load.started();
    now = 10000;
    first();
    expect(load.slotsBusy()).toBeCloseTo(1.5);
  });

  it('forgets finals older than 30 s', () => {
    const load = new FinalLoad(clock);
    const done = load.started();
    now = 10000;
    done();
    now = 100000;
    load.started()();
    expect(load.slotsBusy()).toBe(0);
    now = 103000;
    const running = load.started();
    now = 106000;
    expect(load.slotsBusy()).toBeCloseTo(3000 / 30000);
    running();
  });
});
