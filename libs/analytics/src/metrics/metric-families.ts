import type { Registry } from 'prom-client';

type LabelValue = string | number | undefined;

export interface MetricSample {
  value: number;
  labels: Record<string, LabelValue>;
  /** Histograms: `<name>_bucket`, `<name>_sum`, `<name>_count`. */
  metricName?: string;
}

/** One family as prom-client's `getMetricsAsJSON()` gives it (its `type` is a string at run time). */
export interface MetricFamily {
  name: string;
  help: string;
  type: string;
  values: MetricSample[];
}

/** Cumulative histogram bucket: observations less than or equal to `le` seconds. */
export interface Bucket {
  le: number;
  count: number;
}

export interface HistogramReading {
  count: number;
  sum: number;
  buckets: Bucket[];
}

export type LabelFilter = Record<string, string>;

function matches(labels: Record<string, LabelValue>, where: LabelFilter | undefined): boolean {
  if (!where) return true;
  return Object.entries(where).every(([key, value]) => String(labels[key]) === value);
}

/**
 * Read-only queries over one snapshot of the registry. Analytics reads other modules' figures only through
 * the agreed metric names, so it depends on no module's internals, and an absent module reads as zero.
 */
export class MetricFamilies {
  private readonly byName: Map<string, MetricFamily>;

  constructor(families: MetricFamily[]) {
    this.byName = new Map(families.map((family) => [family.name, family]));
  }

  static async read(registry: Registry): Promise<MetricFamilies> {
    return new MetricFamilies((await registry.getMetricsAsJSON()) as unknown as MetricFamily[]);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  samples(name: string, where?: LabelFilter): MetricSample[] {
    return (this.byName.get(name)?.values ?? []).filter((sample) => matches(sample.labels, where));
  }

  /** Sum over the matching series of a counter or gauge. */
  sum(name: string, where?: LabelFilter): number {
    return this.samples(name, where).reduce((total, sample) => total + sample.value, 0);
  }

  /** Sums per value of `label`, e.g. requests per service. */
  sumBy(name: string, label: string, where?: LabelFilter): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const sample of this.samples(name, where)) {
      const key = String(sample.labels[label] ?? '');
      totals[key] = (totals[key] ?? 0) + sample.value;
    }
    return totals;
  }

  /** The distinct values of `label` across the family's series. */
  labelValues(name: string, label: string): string[] {
    const values = new Set<string>();
    for (const sample of this.samples(name)) {
      const value = sample.labels[label];
      if (value !== undefined) values.add(String(value));
    }
    return [...values].sort();
  }

  /** The matching series of a histogram merged into one (buckets added per bound). */
  histogram(name: string, where?: LabelFilter): HistogramReading {
    const byBound = new Map<number, number>();
    let count = 0;
    let sum = 0;
    for (const sample of this.samples(name, where)) {
      if (sample.metricName === `${name}_bucket`) {
        const le = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le);
        byBound.set(le, (byBound.get(le) ?? 0) + sample.value);
      } else if (sample.metricName === `${name}_count`) {
        count += sample.value;
      } else if (sample.metricName === `${name}_sum`) {
        sum += sample.value;
      }
    }
    const buckets = [...byBound.entries()].map(([le, n]) => ({ le, count: n })).sort((a, b) => a.le - b.le);
    return { count, sum, buckets };
  }
}

/** Bucket counts observed between two cumulative readings; a reset (counts going down) starts from zero. */
export function bucketDelta(later: Bucket[], earlier: Bucket[]): Bucket[] {
  const before = new Map(earlier.map((bucket) => [bucket.le, bucket.count]));
  return later.map(({ le, count }) => {
    const previous = before.get(le) ?? 0;
    return { le, count: count >= previous ? count - previous : count };
  });
}

/**
 * The q-quantile (0..1) of cumulative buckets, interpolated linearly inside the bucket as Prometheus'
 * histogram_quantile does, so the dashboard and Grafana agree. Null without observations; a quantile that
 * falls in the +Inf bucket answers the highest finite bound.
 */
export function histogramQuantile(q: number, buckets: Bucket[]): number | null {
  const total = buckets.length > 0 ? buckets[buckets.length - 1].count : 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      if (inBucket <= 0) return bucket.le;
      return lowerBound + (bucket.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
