import { InstanceRecord } from './instance-record';

const HOUR = 3_600_000;
const up = { state: 'up' as const, responseTimeMs: 4, error: null };
const down = { state: 'down' as const, responseTimeMs: null, error: 'connect ECONNREFUSED' };

describe('InstanceRecord', () => {
  it('starts unknown and returns the previous status on each check', () => {
    const record = new InstanceRecord('http://127.0.0.1:1');
    expect(record.status).toBe('unknown');
    expect(record.apply(up, 1000, HOUR)).toBe('unknown');
    expect(record.apply(down, 2000, HOUR)).toBe('up');
    expect(record.status).toBe('down');
  });

  it('counts consecutive failures and resets them on success, keeping the last error', () => {
    const record = new InstanceRecord('http://127.0.0.1:1');
    record.apply(down, 1000, HOUR);
    record.apply(down, 2000, HOUR);
    expect(record.consecutiveFailures).toBe(2);
    expect(record.downSince).toBe(1000);
    record.apply(up, 3000, HOUR);
    expect(record.consecutiveFailures).toBe(0);
    expect(record.downSince).toBeNull();
    expect(record.lastError).toBe('connect ECONNREFUSED');
  });

  it('moves last change only on a change of status, last check on every check', () => {
    const record = new InstanceRecord('http://127.0.0.1:1');
    record.apply(up, 1000, HOUR);
    record.apply(up, 2000, HOUR);
    expect([record.lastChange, record.lastCheck]).toEqual([1000, 2000]);
    record.apply(down, 3000, HOUR);
    expect(record.lastChange).toBe(3000);
  });

  it('feeds uptime with degraded counted as available', () => {
    const record = new InstanceRecord('http://127.0.0.1:1');
    record.apply({ state: 'degraded', responseTimeMs: 2, error: 'loading model' }, 0, HOUR);
    record.apply(down, 3000, HOUR);
    expect(record.uptime.percent(4000, HOUR)).toBe(75);
  });
});
