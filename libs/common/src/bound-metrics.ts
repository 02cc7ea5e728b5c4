import type { Metric, Registry } from 'prom-client';

/**
 * Counters and histograms for per-request hot paths. prom-client validates and hashes the label object on
 * every `inc`/`observe` (its labelled children too); here a label set is looked up in a tree of Maps and
 * validated only when its series is created, so recording is a few reads and an addition. Registered on
 * the same prom-client registry and read in prom-client's own shape: /metrics, getMetricsAsJSON() and the
 * analytics module see no difference.
 */
type Labels<L extends string> = Record<L, string>;

interface MetricOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers: Registry[];
}

interface ExportedValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
  /** prom-client's buckets carry an (unused here) exemplar slot; kept so JSON readers see its shape. */
  exemplar?: null;
}

export interface CounterSeries {
  inc(by?: number): void;
}

export interface HistogramSeries {
  observe(value: number): void;
}

abstract class BoundMetric<L extends string, S> {
  readonly aggregator = 'sum';
  abstract readonly type: 'counter' | 'histogram';
  readonly name: string;
  readonly help: string;
  private readonly labelNames: readonly L[];
  /** Series by label values, one level per label name: a lookup is a few Map reads, no key building. */
  private readonly byValues = new Map<string, unknown>();
  private readonly all: S[] = [];

  constructor(options: MetricOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    // prom-client's registry reads any object with its metric shape: name, help, type, get(), reset().
    for (const registry of options.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The series of one label set, created on first use. Cheap enough to ask per event. */
  series(labels: Labels<L>): S {
    const names = this.labelNames;
    let level = this.byValues;
    for (let depth = 0; depth < names.length - 1; depth++) {
      const value = labels[names[depth]];
      let next = level.get(value) as Map<string, unknown> | undefined;
      if (!next) {
        next = new Map();
        level.set(value, next);
      }
      level = next;
    }
    const leaf = names.length === 0 ? '' : labels[names[names.length - 1]];
    let series = level.get(leaf) as S | undefined;
    if (!series) {
      for (const name of names) {
        if (typeof labels[name] !== 'string') throw new Error(`${this.name}: label ${name} missing`);
      }
      series = this.create({ ...labels });
      level.set(leaf, series);
      this.all.push(series);
    }
    return series;
  }

  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: ExportedValue[] }> {
    const values = this.all.flatMap((series) => this.export(series));
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  /** Zeroes every series in place: callers keep the series they hold. */
  reset(): void {
    this.all.forEach((series) => this.clear(series));
  }

  protected abstract create(labels: Labels<L>): S;
  protected abstract export(series: S): ExportedValue[];
  protected abstract clear(series: S): void;
}

class BoundCounterSeries implements CounterSeries {
  value = 0;

  constructor(readonly labels: Record<string, string>) {}

  inc(by = 1): void {
    if (!(by >= 0)) throw new Error(`A counter only goes up; got ${by}`);
    this.value += by;
  }
}

export class BoundCounter<L extends string> extends BoundMetric<L, BoundCounterSeries> {
  readonly type = 'counter';

  protected create(labels: Labels<L>): BoundCounterSeries {
    return new BoundCounterSeries(labels);
  }

  protected export(series: BoundCounterSeries): ExportedValue[] {
    return [{ value: series.value, labels: { ...series.labels } }];
  }

  protected clear(series: BoundCounterSeries): void {
    series.value = 0;
  }
}

class BoundHistogramSeries implements HistogramSeries {
  /** counts[i]: observations in (upper[i-1], upper[i]]; the last slot is above every bound (+Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Record<string, string>,
    private readonly upper: Float64Array,
  ) {
    this.counts = new Float64Array(upper.length + 1);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    let bucket = 0;
    while (bucket < this.upper.length && value > this.upper[bucket]) bucket++;
    this.counts[bucket]++;
    this.sum += value;
    this.count++;
  }
}

export class BoundHistogram<L extends string> extends BoundMetric<L, BoundHistogramSeries> {
  readonly type = 'histogram';
  private readonly upper: Float64Array;

  constructor(options: MetricOptions<L> & { buckets: readonly number[] }) {
    super(options);
    this.upper = Float64Array.from([...options.buckets].sort((a, b) => a - b));
  }

  protected create(labels: Labels<L>): BoundHistogramSeries {
    return new BoundHistogramSeries(labels, this.upper);
  }

  protected export(series: BoundHistogramSeries): ExportedValue[] {
    const bucketName = `${this.name}_bucket`;
    let cumulative = 0;
    const values: ExportedValue[] = [];
    this.upper.forEach((le, index) => {
      cumulative += series.counts[index];
      values.push({
        value: cumulative,
        labels: { le, ...series.labels },
        metricName: bucketName,
        exemplar: null,
      });
    });
    values.push(
      {
        value: series.count,
        labels: { le: '+Inf', ...series.labels },
        metricName: bucketName,
        exemplar: null,
      },
      { value: series.sum, labels: { ...series.labels }, metricName: `${this.name}_sum` },
      { value: series.count, labels: { ...series.labels }, metricName: `${this.name}_count` },
    );
    return values;
  }

  protected clear(series: BoundHistogramSeries): void {
    series.counts.fill(0);
    series.sum = 0;
    series.count = 0;
  }
}
