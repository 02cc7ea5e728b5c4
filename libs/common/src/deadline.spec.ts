import { DeadlineExceededError, waitAtMost, withDeadline } from './deadline';

describe('withDeadline', () => {
  it('passes the result through when the work finishes in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 100, 'quick')).resolves.toBe(7);
  });

  it('passes the work’s own failure through', async () => {
    await expect(withDeadline(Promise.reject(new Error('boom')), 100, 'failing')).rejects.toThrow('boom');
  });

  it('rejects naming the call once the deadline passes', async () => {
    const never = new Promise(() => undefined);
    const started = Date.now();
    await expect(withDeadline(never, 50, 'redis ping')).rejects.toThrow(
      new DeadlineExceededError('redis ping', 50),
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('waitAtMost', () => {
  it('returns after the bound when the work never settles, and swallows failures', async () => {
    const started = Date.now();
    await waitAtMost(new Promise(() => undefined), 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    await expect(waitAtMost(Promise.reject(new Error('ignored')), 50)).resolves.toBeUndefined();
  });
});
