import { TrendSeries, type Reading } from './trend-series';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** A reading `seconds` after T0 with cumulative counts; latency buckets at 0.1 s and +Inf. */
function reading(seconds: number, counts: Partial<Reading> & { fast?: number; slow?: number } = {}): Reading {
  const fast = counts.fast ?? 0;
  const slow = counts.slow ?? 0;
  return {
    time: T0 + seconds * 1000,
    httpRequests: counts.httpRequests ?? fast + slow,
    httpDuration: [
      { le: 0.1, count: fast },
      { le: Infinity, count: fast + slow },
    ],
    gatewayRequests: counts.gatewayRequests ?? 0,
    gatewayFailures: counts.gatewayFailures ?? 0,
    websocketMessages: counts.websocketMessages ?? 0,
    pipelineJobs: counts.pipelineJobs ?? 0,
    websocketConnections: counts.websocketConnections ?? 0,
    sessionsActive: counts.sessionsActive ?? 0,
  };
}

describe('TrendSeries', () => {
  it('derives per-interval rates and gauges from neighbouring readings', () => {
    const series = new TrendSeries(10);
    series.add(reading(0));
    series.add(
      reading(10, {
        fast: 50,
        websocketMessages: 20,
        websocketConnections: 3,
        gatewayRequests: 10,
        gatewayFailures: 2,
      }),
    );
    series.add(reading(20, { fast: 50, slow: 100, websocketMessages: 20, websocketConnections: 1 }));
    const points = series.points();
    expect(points).toHaveLength(2);
    expect(points[0]).toEqual({
      time: '2026-01-01T00:00:10.000Z',
      intervalSeconds: 10,
      httpRequestsPerSecond: 5,
      gatewayRequestsPerSecond: 1,
      gatewayFailuresPerSecond: 0.2,
      websocketMessagesPerSecond: 2,
      pipelineJobsPerSecond: 0,
      httpP95Ms: 95,
      websocketConnections: 3,
      sessionsActive: 0,
    });
    // Only the second interval's observations count: all of them were slow (in the +Inf bucket).
    expect(points[1].httpP95Ms).toBe(100);
    expect(points[1].websocketMessagesPerSecond).toBe(0);
  });

  it('keeps only the newest `capacity` readings', () => {
    const series = new TrendSeries(3);
    for (let i = 0; i <= 5; i++) series.add(reading(i * 10, { httpRequests: i * 10 }));
    expect(series.readings().map((r) => (r.time - T0) / 1000)).toEqual([30, 40, 50]);
    expect(series.points().map((p) => p.time)).toEqual([
      '2026-01-01T00:00:40.000Z',
      '2026-01-01T00:00:50.000Z',
    ]);
  });

  it('treats a counter that went down as restarted, never as a negative rate', () => {
    const series = new TrendSeries(3);
    series.add(reading(0, { httpRequests: 100 }));
    series.add(reading(10, { httpRequests: 30 }));
    expect(series.points()[0].httpRequestsPerSecond).toBe(3);
  });

  it('gives rolling rates from the oldest reading inside the window up to now', () => {
    const series = new TrendSeries(10);
    series.add(reading(0, { httpRequests: 0 }));
    series.add(reading(50, { httpRequests: 100 }));
    series.add(reading(70, { httpRequests: 160 }));
    const rates = series.rates(reading(80, { httpRequests: 200, websocketMessages: 30 }), 60);
    // The reading at 0 s is outside the 60 s window; the one at 50 s is the base: 100 requests in 30 s.
    expect(rates.windowSeconds).toBe(30);
    expect(rates.httpRequestsPerSecond).toBeCloseTo(3.333, 3);
    expect(rates.websocketMessagesPerSecond).toBe(1);
  });

  it('answers zero rates before any reading is stored', () => {
    const rates = new TrendSeries(2).rates(reading(5, { httpRequests: 10 }), 60);
    expect(rates).toEqual({
      windowSeconds: 0,
      httpRequestsPerSecond: 0,
      gatewayRequestsPerSecond: 0,
      websocketMessagesPerSecond: 0,
      pipelineJobsPerSecond: 0,
    });
  });

  it('refuses a capacity that cannot hold one interval', () => {
    expect(() => new TrendSeries(1)).toThrow(RangeError);
  });
});
