import { serviceRetry, type InstancePolicySettings } from './instance-policies';
import { BackendInstance } from './backend-instance';
import { NoInstanceAvailableError } from './gateway-errors';
import { ServiceBackends } from './service-backends';

const SETTINGS: InstancePolicySettings = {
  timeoutMs: 1000,
  failureThreshold: 1,
  halfOpenAfterMs: 60_000,
  maxConcurrent: 10,
  maxQueue: 0,
};

function backendsOf(weights: number[], priorities: number[] = []): ServiceBackends {
  const instances = weights.map(
    (weight, index) =>
      new BackendInstance(
        'translation',
        index,
        {
          url: `http://127.0.0.1:${5000 + index}`,
          weight,
          kind: 'apertium',
          priority: priorities[index] ?? 0,
        },
        SETTINGS,
        () => undefined,
      ),
  );
  return new ServiceBackends(
    'translation',
    instances,
    serviceRetry({ retries: 0, baseDelayMs: 0, maxDelayMs: 0 }),
  );
}

const openBreaker = (instance: BackendInstance) => instance.execute(() => Promise.resolve({ status: 500 }));

describe('ServiceBackends.pick', () => {
  it('prefers an instance the call has not tried yet, and falls back to a tried one when none is left', () => {
    const backends = backendsOf([1, 1]);
    expect(backends.pick(new Set(['translation-0'])).id).toBe('translation-1');
    expect(backends.pick(new Set(['translation-1'])).id).toBe('translation-0');
    expect(['translation-0', 'translation-1']).toContain(
      backends.pick(new Set(['translation-0', 'translation-1'])).id,
    );
  });

  it('skips an instance whose breaker is open', async () => {
    const backends = backendsOf([5, 1]);
    await openBreaker(backends.instances[0]);
    const picked = Array.from({ length: 6 }, () => backends.pick(new Set()).id);
    expect(new Set(picked)).toEqual(new Set(['translation-1']));
  });

  it('says CIRCUIT_OPEN when the healthy instances all have open breakers, unavailable when none is healthy', async () => {
    const backends = backendsOf([1, 1]);
    await openBreaker(backends.instances[0]);
    backends.instances[1].healthy = false;
    expect(() => backends.pick(new Set())).toThrow(new NoInstanceAvailableError('circuit_open'));
    backends.instances[0].healthy = false;
    expect(() => backends.pick(new Set())).toThrow(new NoInstanceAvailableError('unavailable'));
  });

  it('serves the lowest priority tier only, until every instance of it is down, open or already tried', async () => {
    const backends = backendsOf([1, 5, 1], [0, 1, 0]);
    const picks = () => new Set(Array.from({ length: 6 }, () => backends.pick(new Set()).id));
    expect(picks()).toEqual(new Set(['translation-0', 'translation-2']));
    expect(backends.pick(new Set(['translation-0', 'translation-2'])).id).toBe('translation-1');
    backends.instances[0].healthy = false;
    await openBreaker(backends.instances[2]);
    expect(picks()).toEqual(new Set(['translation-1']));
  });

  it('picks only among eligible instances and names the reason when none is', () => {
    const backends = backendsOf([5, 1]);
    expect(backends.pick(new Set(), (instance) => instance.id === 'translation-1').id).toBe('translation-1');
    expect(() => backends.pick(new Set(), () => false)).toThrow(NoInstanceAvailableError);
  });

  it('leaves an instance that asked to slow down alone while another can take the call', () => {
    const backends = backendsOf([5, 1]);
    backends.instances[0].slowDown(60_000);
    expect(new Set(Array.from({ length: 6 }, () => backends.pick(new Set()).id))).toEqual(
      new Set(['translation-1']),
    );
    backends.instances[1].healthy = false;
    expect(backends.pick(new Set()).id).toBe('translation-0');
  });
});
