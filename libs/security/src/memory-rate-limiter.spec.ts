import { MemoryRateLimiter } from './memory-rate-limiter';

describe('MemoryRateLimiter', () => {
  it('allows `limit` hits per window, then refuses until the window ends', async () => {
    let now = 1_000;
    const limiter = new MemoryRateLimiter(100, () => now);
    const decisions = [];
    for (let i = 0; i < 4; i += 1) decisions.push(await limiter.hit('ip:a', 3, 10_000));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    now += 4_000;
    expect((await limiter.hit('ip:a', 3, 10_000)).resetMs).toBe(6_000);
    now += 6_000;
    expect(await limiter.hit('ip:a', 3, 10_000)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('counts buckets independently', async () => {
    const limiter = new MemoryRateLimiter();
    await limiter.hit('a', 1, 1000);
    expect((await limiter.hit('a', 1, 1000)).allowed).toBe(false);
    expect((await limiter.hit('b', 1, 1000)).allowed).toBe(true);
  });

  it('never holds more than its bucket cap, however many clients appear', async () => {
    const limiter = new MemoryRateLimiter(50);
    for (let i = 0; i < 1000; i += 1) await limiter.hit(`ip:${i}`, 10, 60_000);
    expect(limiter.size).toBeLessThanOrEqual(50);
  });
});
