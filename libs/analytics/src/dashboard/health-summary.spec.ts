import type { InstanceStatus, ServiceHealth } from '@app/health';
import { summarise } from './health-summary';

function services(...statuses: InstanceStatus[]): ServiceHealth[] {
  const names = ['whisper', 'speaker', 'translation'] as const;
  return statuses.map((status, i) => ({ service: names[i], status, instances: [] }));
}

describe('summarise', () => {
  it('is healthy only when every service is up', () => {
    expect(summarise(services('up', 'up', 'up')).status).toBe('healthy');
    expect(summarise(services('up', 'degraded', 'up')).status).toBe('degraded');
  });

  it('is unhealthy when every checked service is down, ignoring the not yet checked', () => {
    expect(summarise(services('down', 'unknown', 'down')).status).toBe('unhealthy');
    expect(summarise(services('down', 'up', 'down')).status).toBe('degraded');
  });

  it('is unknown before any check and without services', () => {
    expect(summarise(services('unknown', 'unknown', 'unknown')).status).toBe('unknown');
    expect(summarise([])).toEqual({
      status: 'unknown',
      services_total: 0,
      by_status: { up: 0, degraded: 0, down: 0, unknown: 0 },
    });
  });

  it('counts services by status', () => {
    expect(summarise(services('up', 'down', 'degraded')).by_status).toEqual({
      up: 1,
      down: 1,
      degraded: 1,
      unknown: 0,
    });
  });
});
