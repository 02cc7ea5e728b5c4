import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC, SCRAPE_DEADLINE_MS, withDeadline } from '@app/common';
import { REFUSAL_CODES, type RefusalCode } from './admission/admission.types';
import type { BudgetReading } from './admission/held-bytes-budget';
import { PIPELINE_STAGES } from './pipeline-names';
import { emptyOutcomes, type StageOutcome } from './state/pipeline-state';

export interface QueueDepth {
  stage: string;
  state: string;
  count: number;
}

/** The pipeline's series (names in METRIC); labels are bounded (three stages, a handful of states and outcomes). */
export class PipelineMetrics {
  private readonly jobs: Counter<'stage' | 'outcome'>;
  private readonly duration: Histogram<'stage'>;
  private readonly refusals: Counter<'code'>;
  private readonly evictions: Counter;

  constructor(registry: Registry, depths: () => Promise<QueueDepth[]>, budget: () => Promise<BudgetReading>) {
    this.jobs = new Counter({
      name: METRIC.pipelineJobs,
      help: 'Pipeline stage jobs by outcome (completed, failed, retried, skipped)',
      labelNames: ['stage', 'outcome'],
      registers: [registry],
    });
    // Each stage and outcome starts at 0, so Prometheus' increase() sees the first of each.
    for (const stage of PIPELINE_STAGES) {
      for (const outcome of Object.keys(emptyOutcomes())) this.jobs.inc({ stage, outcome }, 0);
    }
    this.duration = new Histogram({
      name: METRIC.pipelineStageDuration,
      help: 'Time one stage job took, engine call included',
      labelNames: ['stage'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    new Gauge({
      name: METRIC.pipelineQueueDepth,
      help: 'Stage jobs by queue state, read when scraped',
      labelNames: ['stage', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        // Bounded: during a Redis outage a scrape answers without queue depths instead of hanging.
        const current = await withDeadline(depths(), SCRAPE_DEADLINE_MS, 'queue depths').catch(() => []);
        for (const depth of current) {
          this.set({ stage: depth.stage, state: depth.state }, depth.count);
        }
      },
    });

    this.refusals = new Counter({
      name: METRIC.pipelineJobsRefused,
      help: 'New pipeline jobs refused: no healthy backend with a backlog, or the byte budget reached',
      labelNames: ['code'],
      registers: [registry],
    });
    for (const code of REFUSAL_CODES) this.refusals.inc({ code }, 0);
    this.evictions = new Counter({
      name: METRIC.pipelineRecordsEvicted,
      help: 'Finished job records evicted before their retention ended, to stay within the byte budget',
      registers: [registry],
    });
    // With Redis both gauges share one INFO memory reading (RedisPipelineState keeps it for 250 ms).
    const measure = () => withDeadline(budget(), SCRAPE_DEADLINE_MS, 'held bytes').catch(() => undefined);
    new Gauge({
      name: METRIC.pipelineHeldBytes,
      help: 'Bytes the pipeline holds: job records and audio in process memory, or Redis used_memory',
      registers: [registry],
      async collect() {
        const current = await measure();
        if (current) this.set(current.heldBytes);
      },
    });
    new Gauge({
      name: METRIC.pipelineMaxHeldBytes,
      help: 'The byte budget (pipeline.max_held_bytes, or sized from the machine or Redis maxmemory)',
      registers: [registry],
      async collect() {
        const current = await measure();
        if (current) this.set(current.limitBytes);
      },
    });
  }

  refused(code: RefusalCode): void {
    this.refusals.inc({ code });
  }

  evicted(records: number): void {
    this.evictions.inc(records);
  }

  outcome(stage: string, outcome: StageOutcome, seconds?: number): void {
    this.jobs.inc({ stage, outcome });
    if (seconds !== undefined) this.duration.observe({ stage }, seconds);
  }
}
