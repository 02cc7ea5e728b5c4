import parsePrometheusTextFormat, {
  type PrometheusFamily,
  type PrometheusSample,
} from 'parse-prometheus-text-format';
import request from 'supertest';

function labelsMatch(sample: PrometheusSample, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value);
}

/** One /metrics answer, parsed with a real Prometheus text-format parser. */
export class Exposition {
  readonly families: PrometheusFamily[];

  constructor(readonly text: string) {
    this.families = parsePrometheusTextFormat(text);
  }

  family(name: string): PrometheusFamily | undefined {
    return this.families.find((candidate) => candidate.name === name);
  }

  /** The samples of `name` whose labels include `labels`. */
  series(name: string, labels: Record<string, string> = {}): PrometheusSample[] {
    return (this.family(name)?.metrics ?? []).filter((sample) => labelsMatch(sample, labels));
  }

  /** Sum of a counter's or gauge's matching series; 0 when there are none. */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.series(name, labels).reduce((total, sample) => total + Number(sample.value), 0);
  }

  /**
   * Observation count of a histogram's matching series. The parser merges a labelled histogram's series into
   * one and drops their labels, so the `<name>_count` lines are parsed on their own, as an untyped family.
   */
  histogramCount(name: string, labels: Record<string, string> = {}): number {
    const countLines = this.text
      .split('\n')
      .filter((line) => /^\S+/.exec(line)?.[0].split('{')[0] === `${name}_count`);
    const counts = parsePrometheusTextFormat(`${countLines.join('\n')}\n`).find(
      (f) => f.name === `${name}_count`,
    );
    return (counts?.metrics ?? [])
      .filter((sample) => labelsMatch(sample, labels))
      .reduce((total, sample) => total + Number(sample.value), 0);
  }
}

/** GET /metrics, parsed; fails the test on a non-200 answer. */
export async function scrape(baseUrl: string): Promise<Exposition> {
  const response = await request(baseUrl).get('/metrics').expect(200);
  return new Exposition(response.text);
}
