import { RecentCalls } from './recent-calls';

describe('RecentCalls', () => {
  it('reports nearest-rank percentiles and the success rate of the recorded calls', () => {
    const calls = new RecentCalls(60_000);
    for (let ms = 1; ms <= 100; ms++) calls.record(ms, ms > 10);
    expect(calls.summary()).toEqual({
      calls: 100,
      failures: 10,
      successRate: 0.9,
      p50: 50,
      p95: 95,
      p99: 99,
    });
  });

  it('forgets calls older than the window', () => {
    let now = 0;
    const calls = new RecentCalls(1000, 100, () => now);
    calls.record(500, false);
    now = 900;
    calls.record(10, true);
    now = 1200;
    expect(calls.summary()).toMatchObject({ calls: 1, failures: 0, successRate: 1, p50: 10, p99: 10 });
    now = 2000;
    expect(calls.summary()).toEqual({
      calls: 0,
      failures: 0,
      successRate: null,
      p50: null,
      p95: null,
      p99: null,
    });
  });

  it('keeps at most capacity calls, dropping the oldest', () => {
    const calls = new RecentCalls(60_000, 3);
    [1000, 1, 2, 3].forEach((ms) => calls.record(ms, true));
    expect(calls.summary()).toMatchObject({ calls: 3, p99: 3 });
  });
});
