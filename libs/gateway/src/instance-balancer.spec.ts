import { InstanceBalancer, pickByExpectedFinish, type WeightedCandidate } from './instance-balancer';

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

describe('pickByExpectedFinish', () => {
  const candidates = [
    { id: 'fast', weight: 1 },
    { id: 'slow', weight: 1 },
  ];

  it('is plain weighted round-robin while any candidate is unmeasured', () => {
    const balancer = new InstanceBalancer();
    const finish = (c: WeightedCandidate) => (c.id === 'fast' ? 10 : undefined);
    const picked = Array.from({ length: 4 }, () => pickByExpectedFinish(balancer, candidates, finish)?.id);
    expect(picked).toEqual(['fast', 'slow', 'fast', 'slow']);
  });

  it('sends every call to the one expected to finish first once both are measured', () => {
    const balancer = new InstanceBalancer();
    const finish = (c: WeightedCandidate) => (c.id === 'fast' ? 10 : 100);
    const picked = Array.from({ length: 6 }, () => pickByExpectedFinish(balancer, candidates, finish)?.id);
    expect(new Set(picked)).toEqual(new Set(['fast']));
  });

  it('keeps the round-robin proposal on a tie, so equal instances still follow their weights', () => {
    const balancer = new InstanceBalancer();
    const weighted = [
      { id: 'a', weight: 3 },
      { id: 'b', weight: 1 },
    ];
    const picked = Array.from({ length: 8 }, () => pickByExpectedFinish(balancer, weighted, () => 50)?.id);
    expect(picked.filter((id) => id === 'a')).toHaveLength(6);
  });

  it('draws the challenger in proportion to weight', () => {
    const three = [
      { id: 'proposed', weight: 100 },
      { id: 'light', weight: 1 },
      { id: 'heavy', weight: 3 },
    ];
    const finish = (c: WeightedCandidate) => (c.id === 'proposed' ? 100 : 1);
    const draws = [0, 0.2, 0.3, 0.9].map(
      (draw) => pickByExpectedFinish(new InstanceBalancer(), three, finish, () => draw)?.id,
    );
    expect(draws).toEqual(['light', 'light', 'heavy', 'heavy']);
  });
});
