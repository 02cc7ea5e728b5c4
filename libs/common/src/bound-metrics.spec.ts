import { Counter, Histogram, Registry } from 'prom-client';
import { BoundCounter, BoundHistogram } from './bound-metrics';

const BUCKETS = [0.005, 0.01, 0.1, 1, 10];
const OBSERVATIONS: Array<[string, string, number]> = [
  ['whisper', 'whisper-0', 0.003],
  ['whisper', 'whisper-0', 0.005],
  ['whisper', 'whisper-1', 0.2],
  ['translation', 'translation-0', 12],
  ['whisper', 'whisper-0', 0.05],
];

/** The same figures through prom-client's own classes and through the bound ones. */
function registries(): {
  reference: Registry;
  bound: Registry;
  boundCounter: BoundCounter<'service' | 'backend_instance'>;
} {
  const reference = new Registry();
  const bound = new Registry();
  const options = {
    name: 'calls_total',
    help: 'Calls',
    labelNames: ['service', 'backend_instance'] as const,
  };
  const histogramOptions = { name: 'call_seconds', help: 'Call time', labelNames: ['service'] as const };
  const referenceCounter = new Counter({
    ...options,
    labelNames: [...options.labelNames],
    registers: [reference],
  });
  const referenceHistogram = new Histogram({
    ...histogramOptions,
    labelNames: [...histogramOptions.labelNames],
    buckets: BUCKETS,
    registers: [reference],
  });
  const boundCounter = new BoundCounter({ ...options, registers: [bound] });
  const boundHistogram = new BoundHistogram({ ...histogramOptions, buckets: BUCKETS, registers: [bound] });
  for (const [service, instance, seconds] of OBSERVATIONS) {
    referenceCounter.inc({ service, backend_instance: instance });
    referenceHistogram.observe({ service }, seconds);
    boundCounter.series({ service, backend_instance: instance }).inc();
    boundHistogram.series({ service }).observe(seconds);
  }
  return { reference, bound, boundCounter };
}

describe('bound counters and histograms', () => {
  it('expose exactly what prom-client exposes for the same observations', async () => {
    const { reference, bound } = registries();
    expect(await bound.metrics()).toBe(await reference.metrics());
    expect(await bound.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
  });

  it('resolves a label set to the same series every time, and counts by the given amount', async () => {
    const registry = new Registry();
    const counter = new BoundCounter({
      name: 'c_total',
      help: 'c',
      labelNames: ['a'],
      registers: [registry],
    });
    expect(counter.series({ a: 'x' })).toBe(counter.series({ a: 'x' }));
    counter.series({ a: 'x' }).inc(2.5);
    expect(await registry.metrics()).toContain('c_total{a="x"} 2.5');
  });

  it('refuses a missing label, a decrement and a value that is not a number', () => {
    const registry = new Registry();
    const counter = new BoundCounter({
      name: 'c_total',
      help: 'c',
      labelNames: ['a', 'b'],
      registers: [registry],
    });
    const histogram = new BoundHistogram({
      name: 'h',
      help: 'h',
      labelNames: [],
      buckets: [1],
      registers: [registry],
    });
    expect(() => counter.series({ a: 'x' } as Record<'a' | 'b', string>)).toThrow('label b missing');
    expect(() => counter.series({ a: 'x', b: 'y' }).inc(-1)).toThrow('only goes up');
    expect(() => histogram.series({}).observe(Number.NaN)).toThrow('not a valid number');
  });

  it('zeroes in place on reset, so series held by callers keep counting', async () => {
    const { bound, boundCounter } = registries();
    const held = boundCounter.series({ service: 'whisper', backend_instance: 'whisper-0' });
    bound.resetMetrics();
    held.inc();
    const text = await bound.metrics();
    expect(text).toContain('calls_total{service="whisper",backend_instance="whisper-0"} 1');
    expect(text).toContain('call_seconds_count{service="whisper"} 0');
  });

  it('refuses a second metric of the same name in one registry, like prom-client', () => {
    const registry = new Registry();
    new BoundCounter({ name: 'dup_total', help: 'd', labelNames: [], registers: [registry] });
    expect(() => new Counter({ name: 'dup_total', help: 'd', registers: [registry] })).toThrow(
      'already been registered',
    );
  });
});
