import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC, METRICS_REGISTRY } from '@app/common';

export type DecodeKind = 'final' | 'interim';
/** Why a stream_start was refused: no speech-to-text instance in rotation, or finals fill the engines. */
export const STREAM_REFUSALS = ['BACKEND_UNAVAILABLE', 'ENGINES_SATURATED'] as const;
export type StreamRefusal = (typeof STREAM_REFUSALS)[number];
/** A final failed everywhere and was kept (held), later delivered (recovered), or given up. */
const HELD_OUTCOMES = ['held', 'recovered', 'given_up'] as const;

/** Live-stream figures on the process registry (CONTRACTS §3a "lag made visible"); names in METRIC. */
@Injectable()
export class StreamMetrics {
  private readonly lag: Histogram;
  private readonly finalLatency: Histogram;
  private readonly interims: Counter<'outcome'>;
  private readonly rtf: Histogram<'kind'>;
  private readonly gaps: Counter;
  private readonly degradedTotal: Counter;
  private readonly refused: Counter<'code'>;
  private readonly held: Counter<'outcome'>;
  private active?: () => number;
  private degradedNow?: () => number;
  private decodeSlots?: () => number;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const activeCount = () => this.active?.() ?? 0;
    const degradedCount = () => this.degradedNow?.() ?? 0;
    const slots = () => this.decodeSlots?.() ?? 0;
    new Gauge({
      name: METRIC.liveDecodeSlots,
      help: 'Live decodes sent into the speech-to-text engines at once: the slots of the instances that can serve now, bounded by streams.max_concurrent_decodes',
      registers: [registry],
      collect() {
        this.set(slots());
      },
    });
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
    new Gauge({
      name: METRIC.liveStreamsDegraded,
      help: 'Open live streams in state degraded (lag beyond streams.degraded_lag_ms)',
      registers: [registry],
      collect() {
        this.set(degradedCount());
      },
    });
    this.degradedTotal = new Counter({
      name: METRIC.liveDegradedTotal,
      help: 'Times a live stream went to state degraded',
      registers: [registry],
    });
    this.refused = new Counter({
      name: METRIC.liveStreamsRefused,
      help: 'stream_start refused: no speech-to-text instance in rotation, or finals fill the engines',
      labelNames: ['code'],
      registers: [registry],
    });
    for (const code of STREAM_REFUSALS) this.refused.inc({ code }, 0);
    this.held = new Counter({
      name: METRIC.liveFinalsHeld,
      help: 'Finals that failed on every engine: kept with their audio, later recovered, or given up',
      labelNames: ['outcome'],
      registers: [registry],
    });
    for (const outcome of HELD_OUTCOMES) this.held.inc({ outcome }, 0);
  }

  /** The gauges read the open and degraded stream counts from the registry of streams at scrape time. */
  countActive(count: () => number, degraded: () => number): void {
    this.active = count;
    this.degradedNow = degraded;
  }

  /** The decode-slots gauge reads the derived capacity at scrape time. */
  countDecodeSlots(slots: () => number): void {
    this.decodeSlots = slots;
  }

  degraded(): void {
    this.degradedTotal.inc();
  }

  refusedStart(code: StreamRefusal): void {
    this.refused.inc({ code });
  }

  finalHeld(outcome: (typeof HELD_OUTCOMES)[number]): void {
    this.held.inc({ outcome });
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
