import { Inject, Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { ACTIVITY_LEVELS, METRIC, METRICS_REGISTRY, type ActivityLevel } from '@app/common';

/** The activity log's Prometheus series: events by level. */
@Injectable()
export class ActivityMetrics {
  private readonly events: Counter<'level'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.events = new Counter({
      name: METRIC.activityEvents,
      help: 'Activity log events by level',
      labelNames: ['level'],
      registers: [registry],
    });
    // Zeroed series exist from the start, so rate() and alerts see the first error rather than a new series.
    for (const level of ACTIVITY_LEVELS) this.events.inc({ level }, 0);
  }

  count(level: ActivityLevel): void {
    this.events.inc({ level });
  }
}
