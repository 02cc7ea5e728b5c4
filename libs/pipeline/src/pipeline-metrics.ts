import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC, SCRAPE_DEADLINE_MS, withDeadline } from '@app/common';
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

  constructor(registry: Registry, depths: () => Promise<QueueDepth[]>) {
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
  }

  outcome(stage: string, outcome: StageOutcome, seconds?: number): void {
    this.jobs.inc({ stage, outcome });
    if (seconds !== undefined) this.duration.observe({ stage }, seconds);
  }
}
