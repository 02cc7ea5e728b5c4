import { serviceRetry, type InstancePolicySettings } from './instance-policies';
import { BackendInstance } from './backend-instance';
import { AllInstancesBusyError, CallerAbortedError, NoInstanceAvailableError } from './gateway-errors';
import { ServiceBackends, type RoutingSettings } from './service-backends';

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

/** Speech-to-text instances with their own caps, routed and waiting as configured. */
function whisperOf(
  caps: number[],
  wait: RoutingSettings = { routing: 'speed', maxWaiting: 10, maxWaitMs: 1000 },
): ServiceBackends {
  const instances = caps.map(
    (cap, index) =>
      new BackendInstance(
        'whisper',
        index,
        { url: `http://127.0.0.1:${6000 + index}`, weight: 1, kind: 'openai', priority: 0 },
        { ...SETTINGS, maxConcurrent: cap },
        () => undefined,
      ),
  );
  return new ServiceBackends(
    'whisper',
    instances,
    serviceRetry({ retries: 0, baseDelayMs: 0, maxDelayMs: 0 }),
    wait,
  );
}

const none = new Set<string>();

describe('ServiceBackends routing by measured speed', () => {
  it('round-robins while unmeasured, then sends most calls to the instance expected to finish first', async () => {
    const backends = whisperOf([4, 4]);
    const [fast, slow] = backends.instances;
    const cold = [];
    for (let i = 0; i < 4; i++) cold.push((await backends.lease({ tried: none })).instance.id);
    expect(cold).toEqual(['whisper-0', 'whisper-1', 'whisper-0', 'whisper-1']);
    fast.speed.observe(100, { audioMs: 2000 });
    slow.speed.observe(1000, { audioMs: 2000 });
    // 4 calls still held at each: (4 + 1) × 100 ms against (4 + 1) × 1000 ms.
    const warm = backends.pick(none, undefined, { audioMs: 1000 });
    expect(warm.id).toBe('whisper-0');
  });

  it('ignores the measurements when gateway.routing is weighted', async () => {
    const backends = whisperOf([4, 4], { routing: 'weighted', maxWaiting: 10, maxWaitMs: 1000 });
    backends.instances[0].speed.observe(10);
    backends.instances[1].speed.observe(1000);
    const picked = [];
    for (let i = 0; i < 4; i++) picked.push((await backends.lease({ tried: none })).instance.id);
    expect(picked).toEqual(['whisper-0', 'whisper-1', 'whisper-0', 'whisper-1']);
  });

  it('weighs the calls an instance is busy with: a busy fast one loses to an idle slower one', async () => {
    const backends = whisperOf([10, 10]);
    const [fast, slow] = backends.instances;
    fast.speed.observe(100, { audioMs: 1000 });
    slow.speed.observe(250, { audioMs: 1000 });
    const leases = [];
    for (let i = 0; i < 3; i++) leases.push(await backends.lease({ tried: none, size: { audioMs: 1000 } }));
    // Expected finish at fast: 1 × 100, 2 × 100, 3 × 100 ms; at slow 250 ms: the third call goes to slow.
    expect(leases.map((lease) => lease.instance.id)).toEqual(['whisper-0', 'whisper-0', 'whisper-1']);
    expect([fast.load, slow.load]).toEqual([2, 1]);
    leases.forEach((lease) => lease.finish('unmeasured'));
    expect([fast.load, slow.load]).toEqual([0, 0]);
  });

  it('measures leased calls that succeed or time out, and not those that fail', async () => {
    const backends = whisperOf([1]);
    const [instance] = backends.instances;
    (await backends.lease({ tried: none, size: { audioMs: 500 } })).finish('failure');
    expect(instance.speed.latencyMs).toBeNull();
    (await backends.lease({ tried: none, size: { audioMs: 500 } })).finish('success');
    expect(instance.speed.latencyMs).not.toBeNull();
    expect(instance.speed.rtf).toBeGreaterThanOrEqual(0);
    expect(instance.view()).toMatchObject({
      inFlight: 0,
      maxConcurrent: 1,
      latencyEwmaMs: expect.any(Number),
    });
  });

  it('never leases more than an instance’s cap: further calls wait, first come first served', async () => {
    const backends = whisperOf([1]);
    const first = await backends.lease({ tried: none });
    const order: string[] = [];
    const second = backends.lease({ tried: none }).then((lease) => (order.push('second'), lease));
    const third = backends.lease({ tried: none }).then((lease) => (order.push('third'), lease));
    expect(backends.waiting).toBe(2);
    expect(backends.instances[0].load).toBe(1);
    first.finish('unmeasured');
    (await second).finish('unmeasured');
    (await third).finish('unmeasured');
    expect(order).toEqual(['second', 'third']);
    expect(backends.waiting).toBe(0);
  });

  it('gives a waiting call whichever instance frees up first', async () => {
    const backends = whisperOf([1, 1]);
    await backends.lease({ tried: none });
    const onSecond = await backends.lease({ tried: none });
    const waiting = backends.lease({ tried: none });
    onSecond.finish('unmeasured');
    expect((await waiting).instance.id).toBe(onSecond.instance.id);
  });

  it('refuses with OVERLOADED when the wait queue is full or the wait times out, and drops a caller that gives up', async () => {
    const backends = whisperOf([1], { routing: 'speed', maxWaiting: 1, maxWaitMs: 50 });
    await backends.lease({ tried: none });
    const caller = new AbortController();
    const waiting = backends.lease({ tried: none, signal: caller.signal });
    await expect(backends.lease({ tried: none })).rejects.toBeInstanceOf(AllInstancesBusyError);
    caller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CallerAbortedError);
    expect(backends.waiting).toBe(0);
    await expect(backends.lease({ tried: none })).rejects.toThrow(/freed up within 50 ms/);
  });

  it('fails a waiting call at once when no instance may take it any more', async () => {
    const backends = whisperOf([1]);
    const held = await backends.lease({ tried: none });
    const waiting = backends.lease({ tried: none });
    backends.instances[0].healthy = false;
    held.finish('unmeasured');
    await expect(waiting).rejects.toBeInstanceOf(NoInstanceAvailableError);
  });
});
