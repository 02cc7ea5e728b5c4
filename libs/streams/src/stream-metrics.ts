import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC, METRICS_REGISTRY } from '@app/common';

export type DecodeKind = 'final' | 'interim';

/** Live-stream figures on the process registry (CONTRACTS §3a "lag made visible"); names in METRIC. */
@Injectable()
export class StreamMetrics {
  private readonly lag: Histogram;
  private readonly finalLatency: Histogram;
  private readonly interims: Counter<'outcome'>;
  private readonly rtf: Histogram<'kind'>;
  private readonly gaps: Counter;
  private active?: () => number;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const activeCount = () => this.active?.() ?? 0;
    new Gauge({
      name: METRIC.liveStreamsActive,
      help: 'Open live streams on this instance',
      registers: [registry],
      collect() {
        this.set(activeCount());
      },
    });
    this.lag = new Histogram({
      name: METRIC.liveStreamLag,
      help: 'Audio received but not yet covered by a decode, sampled per stream at each stream_status',
      buckets: [0.25, 0.5, 1, 2, 4, 8, 16, 32],
      registers: [registry],
    });
    this.finalLatency = new Histogram({
      name: METRIC.liveFinalLatency,
      help: 'From receiving the end of an utterance to sending its transcript_final',
      buckets: [0.1, 0.25, 0.5, 1, 1.5, 2, 4, 8, 16],
      registers: [registry],
    });
    this.interims = new Counter({
      name: METRIC.liveInterimDecodes,
      help: 'Interim decodes of live streams: made, or shed because a newer one replaced them',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.interims.inc({ outcome: 'made' }, 0);
    this.interims.inc({ outcome: 'shed' }, 0);
    this.rtf = new Histogram({
      name: METRIC.liveDecodeRtf,
      help: 'Real-time factor of live-stream decodes (engine time / audio length), by final or interim',
      labelNames: ['kind'],
      buckets: [0.05, 0.1, 0.2, 0.5, 1, 2, 5],
      registers: [registry],
    });
    this.gaps = new Counter({
      name: METRIC.liveGaps,
      help: 'Audio missing from live streams (offset gaps), filled with silence',
      registers: [registry],
    });
  }

  /** The gauge reads the open-stream count from the registry of streams at scrape time. */
  countActive(count: () => number): void {
    this.active = count;
  }

  observeLag(lagMs: number): void {
    this.lag.observe(lagMs / 1000);
  }

  observeFinalLatency(ms: number): void {
    this.finalLatency.observe(ms / 1000);
  }

  interimMade(): void {
    this.interims.inc({ outcome: 'made' });
  }

  interimShed(): void {
    this.interims.inc({ outcome: 'shed' });
  }

  observeRtf(kind: DecodeKind, rtf: number): void {
    this.rtf.observe({ kind }, rtf);
  }

  gap(ms: number): void {
    if (ms > 0) this.gaps.inc(ms / 1000);
  }
}
