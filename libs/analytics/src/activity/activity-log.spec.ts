import { Registry } from 'prom-client';
import { DomainEvents } from '@app/common';
import type { OrchestrationConfig } from '@app/config';
import type { ActivityLogEntry } from '../analytics.types';
import { ActivityLog } from './activity-log';
import { ActivityMetrics } from './activity-metrics';

function logOfSize(size: number, now = () => Date.parse('2026-01-01T12:00:00.000Z')) {
  const events = new DomainEvents();
  // Only the metrics section is read; the rest of the config does not concern the log.
  const config = { metrics: { activityLogSize: size } } as OrchestrationConfig;
  const log = new ActivityLog(events, new ActivityMetrics(new Registry()), config, now);
  return { events, log };
}

describe('ActivityLog', () => {
  it('stores activity events with an increasing id and the clock time, newest first', () => {
    const { events, log } = logOfSize(10);
    events.activity('info', 'config', 'Configuration changed (gateway) from api');
    events.activity('warning', 'health', 'whisper-0 is degraded', { instance: 'whisper-0' });
    expect(log.query()).toEqual([
      {
        id: 2,
        time: '2026-01-01T12:00:00.000Z',
        level: 'warning',
        source: 'health',
        message: 'whisper-0 is degraded',
        details: { instance: 'whisper-0' },
      },
      {
        id: 1,
        time: '2026-01-01T12:00:00.000Z',
        level: 'info',
        source: 'config',
        message: 'Configuration changed (gateway) from api',
      },
    ]);
  });

  it('keeps only the newest `activity_log_size` entries', () => {
    const { events, log } = logOfSize(10);
    for (let i = 1; i <= 25; i++) events.activity('info', 'test', `event ${i}`);
    const entries = log.query({ limit: 1000 });
    expect(log.size).toBe(10);
    expect(entries.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, i) => `event ${25 - i}`));
  });

  it('filters by minimum level and exact source, then limits', () => {
    const { events, log } = logOfSize(50);
    events.activity('debug', 'gateway', 'retrying');
    events.activity('error', 'gateway', 'breaker opened');
    events.activity('critical', 'health', 'all whisper instances down');
    events.activity('info', 'health', 'check done');
    events.activity('warning', 'gateway', 'slow');
    expect(log.query({ level: 'warning' }).map((e) => e.message)).toEqual([
      'slow',
      'all whisper instances down',
      'breaker opened',
    ]);
    expect(log.query({ source: 'gateway' }).map((e) => e.message)).toEqual([
      'slow',
      'breaker opened',
      'retrying',
    ]);
    expect(log.query({ level: 'error', source: 'gateway' }).map((e) => e.message)).toEqual([
      'breaker opened',
    ]);
    expect(log.query({ limit: 2 }).map((e) => e.id)).toEqual([5, 4]);
  });

  it('announces each stored entry as activity.logged for live subscribers', () => {
    const { events } = logOfSize(10);
    const pushed: ActivityLogEntry[] = [];
    events.on('activity.logged', (entry) => pushed.push(entry));
    events.activity('error', 'pipeline', 'job failed');
    expect(pushed).toEqual([
      expect.objectContaining({ id: 1, level: 'error', source: 'pipeline', message: 'job failed' }),
    ]);
  });
});
