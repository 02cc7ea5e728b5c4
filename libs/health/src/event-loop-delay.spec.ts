import { EventLoopDelay } from './event-loop-delay';

const MS = 1e6;

function fakeHistogram(p99Ns: number, meanNs: number, p50Ns = meanNs) {
  return {
    percentile: (percentile: number) => (percentile === 50 ? p50Ns : p99Ns),
    mean: meanNs,
    reset: jest.fn(),
    enable: () => true,
    disable: () => true,
  };
}

describe('EventLoopDelay', () => {
  it('takes the 20 ms sampling resolution off what monitorEventLoopDelay records', () => {
    const histogram = fakeHistogram(20.8 * MS, 20.3 * MS);
    expect(new EventLoopDelay(histogram, 20).read()).toEqual({
      p50Ms: expect.closeTo(0.3, 6),
      p99Ms: expect.closeTo(0.8, 6),
      meanMs: expect.closeTo(0.3, 6),
    });
    expect(histogram.reset).toHaveBeenCalledTimes(1);
  });

  it('reports a blocked loop as the time past the resolution', () => {
    expect(new EventLoopDelay(fakeHistogram(270 * MS, 45 * MS), 20).read()).toEqual({
      p50Ms: 25,
      p99Ms: 250,
      meanMs: 25,
    });
  });

  it('reads 0, not a negative delay, for a timer that fired early or an empty window', () => {
    expect(new EventLoopDelay(fakeHistogram(19.6 * MS, 19.9 * MS), 20).read()).toEqual({
      p50Ms: 0,
      p99Ms: 0,
      meanMs: 0,
    });
    expect(new EventLoopDelay(fakeHistogram(0, NaN), 20).read()).toEqual({ p50Ms: 0, p99Ms: 0, meanMs: 0 });
  });

  it('reads well under the resolution on an idle loop, and a real block when the loop is held', async () => {
    const delay = new EventLoopDelay();
    delay.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // Without the correction an idle loop reads about 20 ms; corrected, about 0.2 ms on a quiet machine.
      // The median and a 10 ms bound, because with every core busy (the full suite) the process is not
      // always scheduled on time, which is real delay: medians of 3-6 ms were seen then.
      expect(delay.read().p50Ms).toBeLessThan(10);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const until = performance.now() + 200;
      while (performance.now() < until);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(delay.read().p99Ms).toBeGreaterThan(100);
    } finally {
      delay.stop();
    }
  });
});
