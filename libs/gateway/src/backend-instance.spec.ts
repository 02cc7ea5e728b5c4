import { BrokenCircuitError, BulkheadRejectedError } from 'cockatiel';
import type { BreakerState } from './backend-client';
import { BackendInstance } from './backend-instance';
import { BackendTimeoutError, CallerAbortedError } from './gateway-errors';
import type { InstancePolicySettings } from './instance-policies';

const SETTINGS: InstancePolicySettings = {
  timeoutMs: 200,
  failureThreshold: 3,
  halfOpenAfterMs: 50,
  maxConcurrent: 10,
  maxQueue: 0,
};

function instanceWith(settings: Partial<InstancePolicySettings> = {}) {
  const transitions: string[] = [];
  const instance = new BackendInstance(
    'whisper',
    0,
    { url: 'http://127.0.0.1:5001/base/', weight: 1, kind: 'openai', priority: 0 },
    { ...SETTINGS, ...settings },
    (_instance, previous: BreakerState, state: BreakerState) => transitions.push(`${previous}→${state}`),
  );
  return { instance, transitions };
}

const answer = (status: number) => () => Promise.resolve({ status });
const refused = () =>
  Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));

describe('BackendInstance', () => {
  afterEach(() => jest.useRealTimers());

  it('derives its id, origin and base path from the configuration', () => {
    const { instance } = instanceWith();
    expect([instance.id, instance.origin, instance.basePath]).toEqual([
      'whisper-0',
      'http://127.0.0.1:5001',
      '/base',
    ]);
  });

  it('opens the breaker after 3 consecutive 5xx answers and then refuses without calling the backend', async () => {
    const { instance, transitions } = instanceWith();
    for (let i = 0; i < 3; i++) await expect(instance.execute(answer(503))).resolves.toEqual({ status: 503 });
    expect(instance.breakerState).toBe('open');
    expect(instance.routable()).toBe(false);
    const call = jest.fn(answer(200));
    await expect(instance.execute(call)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(call).not.toHaveBeenCalled();
    expect(transitions).toEqual(['closed→open']);
    expect(instance.view()).toMatchObject({ breaker: 'open', breakerChangedAt: expect.any(String) });
  });

  it('counts consecutive failures only: a success in between keeps it closed', async () => {
    const { instance } = instanceWith();
    await instance.execute(answer(500)).catch(() => undefined);
    await instance.execute(refused).catch(() => undefined);
    await instance.execute(answer(200));
    await instance.execute(answer(500));
    await instance.execute(refused).catch(() => undefined);
    expect(instance.breakerState).toBe('closed');
    await instance.execute(answer(404));
    expect(instance.breakerState).toBe('closed');
  });

  it('lets one probe through after the reset delay; its success closes the breaker', async () => {
    // The breaker reads Date.now(): its reset delay passes on jest's clock, not in real time.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { instance, transitions } = instanceWith();
    for (let i = 0; i < 3; i++) await instance.execute(refused).catch(() => undefined);
    jest.advanceTimersByTime(SETTINGS.halfOpenAfterMs + 10);
    expect(instance.routable()).toBe(true);
    await expect(instance.execute(answer(200))).resolves.toEqual({ status: 200 });
    expect(instance.breakerState).toBe('closed');
    expect(transitions).toEqual(['closed→open', 'open→half_open', 'half_open→closed']);
  });

  it('re-opens when the half-open probe fails', async () => {
    // The breaker reads Date.now(): its reset delay passes on jest's clock, not in real time.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { instance, transitions } = instanceWith();
    for (let i = 0; i < 3; i++) await instance.execute(answer(500));
    jest.advanceTimersByTime(SETTINGS.halfOpenAfterMs + 10);
    await instance.execute(answer(502));
    expect(instance.breakerState).toBe('open');
    expect(transitions).toEqual(['closed→open', 'open→half_open', 'half_open→open']);
  });

  it('times an attempt out with BackendTimeoutError, aborting the call, and counts it as a failure', async () => {
    const { instance } = instanceWith({ timeoutMs: 30, failureThreshold: 1 });
    let aborted = false;
    const stalled = (signal: AbortSignal) =>
      new Promise<{ status: number }>((_resolve, reject) =>
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('aborted'));
        }),
      );
    await expect(instance.execute(stalled)).rejects.toBeInstanceOf(BackendTimeoutError);
    expect(aborted).toBe(true);
    expect(instance.breakerState).toBe('open');
  });

  it('does not hold a caller that gave up against the backend', async () => {
    const { instance } = instanceWith({ failureThreshold: 1 });
    const caller = new AbortController();
    const stalled = (signal: AbortSignal) =>
      new Promise<{ status: number }>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const pending = instance.execute(stalled, { signal: caller.signal });
    caller.abort();
    await expect(pending).rejects.toBeInstanceOf(CallerAbortedError);
    expect(instance.breakerState).toBe('closed');
  });

  it('refuses calls beyond its concurrency and queue with BulkheadRejectedError, without opening the breaker', async () => {
    const { instance } = instanceWith({ maxConcurrent: 1, maxQueue: 1, failureThreshold: 1 });
    let finish: () => void = () => undefined;
    const slow = () =>
      new Promise<{ status: number }>((resolve) => (finish = () => resolve({ status: 200 })));
    const first = instance.execute(slow);
    const queued = instance.execute(answer(200));
    await expect(instance.execute(answer(200))).rejects.toBeInstanceOf(BulkheadRejectedError);
    finish();
    await expect(Promise.all([first, queued])).resolves.toEqual([{ status: 200 }, { status: 200 }]);
    expect(instance.breakerState).toBe('closed');
  });

  it('is not routable while marked unhealthy', () => {
    const { instance } = instanceWith();
    instance.healthy = false;
    expect(instance.routable()).toBe(false);
  });
});
