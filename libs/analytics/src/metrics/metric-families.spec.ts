import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MetricFamilies, bucketDelta, histogramQuantile } from './metric-families';

describe('histogramQuantile', () => {
  const buckets = [
    { le: 0.1, count: 50 },
    { le: 0.5, count: 90 },
    { le: 1, count: 100 },
    { le: Infinity, count: 100 },
  ];

  it('interpolates inside the bucket like Prometheus', () => {
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1, 6);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.05, 6);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(0.3, 6);
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.75, 6);
  });

  it('answers the highest finite bound when the rank falls in +Inf, and null without observations', () => {
    expect(
      histogramQuantile(0.99, [
        { le: 1, count: 1 },
        { le: Infinity, count: 10 },
      ]),
    ).toBe(1);
    expect(
      histogramQuantile(0.5, [
        { le: 1, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
  });
});

describe('bucketDelta', () => {
  it('subtracts per bound and restarts from zero after a reset', () => {
    expect(bucketDelta([{ le: 1, count: 7 }], [{ le: 1, count: 4 }])).toEqual([{ le: 1, count: 3 }]);
    expect(bucketDelta([{ le: 1, count: 2 }], [{ le: 1, count: 4 }])).toEqual([{ le: 1, count: 2 }]);
  });
});

describe('MetricFamilies', () => {
  it('sums, groups and merges histograms read from a real registry', async () => {
    const registry = new Registry();
    const requests = new Counter({
      name: 'req_total',
      help: 'h',
      labelNames: ['service', 'outcome'],
      registers: [registry],
    });
    const up = new Gauge({ name: 'up', help: 'h', labelNames: ['service'], registers: [registry] });
    const latency = new Histogram({
      name: 'lat_seconds',
      help: 'h',
      labelNames: ['service'],
      buckets: [0.1, 1],
      registers: [registry],
    });
    requests.inc({ service: 'whisper', outcome: 'success' }, 3);
    requests.inc({ service: 'whisper', outcome: 'timeout' }, 1);
    requests.inc({ service: 'translation', outcome: 'success' }, 2);
    up.set({ service: 'whisper' }, 1);
    latency.observe({ service: 'whisper' }, 0.05);
    latency.observe({ service: 'translation' }, 0.5);
    latency.observe({ service: 'translation' }, 5);

    const families = await MetricFamilies.read(registry);
    expect(families.sum('req_total')).toBe(6);
    expect(families.sum('req_total', { outcome: 'success' })).toBe(5);
    expect(families.sumBy('req_total', 'service')).toEqual({ whisper: 4, translation: 2 });
    expect(families.labelValues('req_total', 'service')).toEqual(['translation', 'whisper']);
    expect(families.sum('absent_total')).toBe(0);
    expect(families.histogram('lat_seconds')).toEqual({
      count: 3,
      sum: 5.55,
      buckets: [
        { le: 0.1, count: 1 },
        { le: 1, count: 2 },
        { le: Infinity, count: 3 },
      ],
    });
    expect(families.histogram('lat_seconds', { service: 'whisper' }).count).toBe(1);
  });
});
