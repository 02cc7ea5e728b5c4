import { decideAlerts, type InstanceTransition } from './alert-rules';
import type { InstanceStatus } from './health.types';

function transition(
  previous: InstanceStatus,
  current: InstanceStatus,
  instanceId = 'whisper-0',
): InstanceTransition {
  return {
    service: 'whisper',
    instanceId,
    url: 'http://127.0.0.1:5001',
    previous,
    current,
    error: current === 'down' ? 'connect ECONNREFUSED' : null,
    downForMs: previous === 'down' ? 12_000 : null,
  };
}

describe('decideAlerts', () => {
  it('warns when one of two instances starts failing, without a critical', () => {
    const decision = decideAlerts(transition('up', 'down'), ['down', 'up'], false);
    expect(decision.critical).toBe(false);
    expect(decision.alerts).toEqual([
      expect.objectContaining({
        level: 'warning',
        instance: 'whisper-0',
        message: expect.stringContaining('ECONNREFUSED'),
      }),
    ]);
  });

  it('warns on a first check that fails, so an outage present at start-up is reported', () => {
    expect(
      decideAlerts(transition('unknown', 'down'), ['down', 'unknown'], false).alerts.map((a) => a.level),
    ).toEqual(['warning']);
  });

  it('raises a warning and a critical when the last instance goes down', () => {
    const decision = decideAlerts(transition('up', 'down'), ['down', 'down'], false);
    expect(decision.critical).toBe(true);
    expect(decision.alerts.map((a) => [a.level, a.instance])).toEqual([
      ['warning', 'whisper-0'],
      ['critical', null],
    ]);
  });

  it('does not repeat the critical while the service stays down', () => {
    const decision = decideAlerts(transition('unknown', 'down', 'whisper-1'), ['down', 'down'], true);
    expect(decision.critical).toBe(true);
    expect(decision.alerts.map((a) => a.level)).toEqual(['warning']);
  });

  it('gives one recovered alert, naming the instance, when a critical service comes back', () => {
    const decision = decideAlerts(transition('down', 'up'), ['up', 'down'], true);
    expect(decision.critical).toBe(false);
    expect(decision.alerts).toEqual([
      {
        level: 'recovered',
        service: 'whisper',
        instance: 'whisper-0',
        message: 'whisper is available again: whisper-0 is up after 12 s down',
      },
    ]);
  });

  it('counts a degraded instance as serving for recovery', () => {
    expect(decideAlerts(transition('down', 'degraded'), ['degraded'], true).critical).toBe(false);
  });

  it('reports an instance that comes back while the service stayed available', () => {
    const decision = decideAlerts(transition('down', 'up'), ['up', 'up'], false);
    expect(decision.alerts).toEqual([expect.objectContaining({ level: 'recovered', instance: 'whisper-0' })]);
  });

  it('raises nothing for changes between serving states or the first successful check', () => {
    expect(decideAlerts(transition('up', 'degraded'), ['degraded'], false).alerts).toEqual([]);
    expect(decideAlerts(transition('unknown', 'up'), ['up'], false).alerts).toEqual([]);
  });
});
