import { Inject, Injectable } from '@nestjs/common';
import { Gauge, type Registry } from 'prom-client';
import { METRIC, METRICS_REGISTRY, SCRAPE_DEADLINE_MS, withDeadline } from '@app/common';
import { SESSION_STORE, type SessionStore } from './session.types';

/** The sessions' Prometheus series, read from the store when scraped. */
@Injectable()
export class SessionMetrics {
  constructor(@Inject(METRICS_REGISTRY) registry: Registry, @Inject(SESSION_STORE) sessions: SessionStore) {
    new Gauge({
      name: METRIC.sessionsActive,
      help: 'Sessions that have not expired (across instances when they share Redis)',
      registers: [registry],
      // Bounded: during a Redis outage a scrape answers with the last count instead of hanging.
      async collect() {
        const count = await withDeadline(sessions.count(), SCRAPE_DEADLINE_MS, 'session count').catch(
          () => undefined,
        );
        if (count !== undefined) this.set(count);
      },
    });
  }
}
