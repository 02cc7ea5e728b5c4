import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ACTIVITY_LEVELS, DomainEvents, type ActivityEvent } from '@app/common';
import { BOOT_CONFIG, type OrchestrationConfig } from '@app/config';
import type { ActivityLogEntry, ActivityLogReader, ActivityQuery } from '../analytics.types';
import { CLOCK, type Clock } from '../clock';
import { ActivityMetrics } from './activity-metrics';

export const DEFAULT_ACTIVITY_LIMIT = 100;

/**
 * Keeps the newest `metrics.activity_log_size` activity events in a ring, counts them by level and re-emits
 * each stored entry as `activity.logged` for live subscribers. Memory stays bounded whatever the event rate.
 */
@Injectable()
export class ActivityLog implements ActivityLogReader, OnModuleDestroy {
  private readonly entries: (ActivityLogEntry | undefined)[];
  private nextId = 1;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly events: DomainEvents,
    private readonly metrics: ActivityMetrics,
    @Inject(BOOT_CONFIG) config: OrchestrationConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.entries = new Array<ActivityLogEntry | undefined>(config.metrics.activityLogSize);
    this.unsubscribe = events.on('activity', (event) => this.record(event));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  get size(): number {
    return Math.min(this.nextId - 1, this.entries.length);
  }

  record(event: ActivityEvent): ActivityLogEntry {
    // Levels come from typed code, but a module compiled against an older map must not add a label value.
    const level = ACTIVITY_LEVELS.includes(event.level) ? event.level : 'info';
    const entry: ActivityLogEntry = {
      id: this.nextId++,
      time: new Date(this.clock()).toISOString(),
      level,
      source: event.source,
      message: event.message,
      ...(event.details ? { details: event.details } : {}),
    };
    this.entries[(entry.id - 1) % this.entries.length] = entry;
    this.metrics.count(level);
    this.events.emit('activity.logged', entry);
    return entry;
  }

  query(query: ActivityQuery = {}): ActivityLogEntry[] {
    const minimum = ACTIVITY_LEVELS.indexOf(query.level ?? 'debug');
    const limit = query.limit ?? DEFAULT_ACTIVITY_LIMIT;
    const result: ActivityLogEntry[] = [];
    for (let id = this.nextId - 1; id >= this.nextId - this.size && result.length < limit; id--) {
      const entry = this.entries[(id - 1) % this.entries.length];
      if (!entry) continue;
      if (ACTIVITY_LEVELS.indexOf(entry.level) < minimum) continue;
      if (query.source !== undefined && entry.source !== query.source) continue;
      result.push(entry);
    }
    return result;
  }
}
