import { InstanceBalancer, type WeightedCandidate } from './instance-balancer';

function picks(balancer: InstanceBalancer, candidates: WeightedCandidate[], count: number): string[] {
  return Array.from({ length: count }, () => balancer.pick(candidates)?.id ?? '-');
}

describe('InstanceBalancer', () => {
  it('interleaves heavy instances the way nginx does (5,1,1 → a a b a c a a)', () => {
    const candidates = [
      { id: 'a', weight: 5 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 1 },
    ];
    expect(picks(new InstanceBalancer(), candidates, 7).join(' ')).toBe('a a b a c a a');
  });

  it('chooses each instance exactly weight times per cycle of sum(weights) picks', () => {
    const candidates = [
      { id: 'x', weight: 3 },
      { id: 'y', weight: 2 },
      { id: 'z', weight: 7 },
    ];
    const counts = new Map<string, number>();
    for (const id of picks(new InstanceBalancer(), candidates, 12 * 50)) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ x: 150, y: 100, z: 350 });
  });

  it('alternates equal weights', () => {
    const candidates = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
    ];
    expect(picks(new InstanceBalancer(), candidates, 4)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('routes only among the candidates offered, so an excluded instance receives nothing', () => {
    const balancer = new InstanceBalancer();
    const all = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 1 },
    ];
    const withoutB = all.filter((c) => c.id !== 'b');
    expect(picks(balancer, withoutB, 10)).not.toContain('b');
    expect(new Set(picks(balancer, all, 3))).toEqual(new Set(['a', 'b', 'c']));
  });

  it('answers undefined when nothing is available', () => {
    expect(new InstanceBalancer().pick([])).toBeUndefined();
  });
});
