import { PeerLeases } from './peer-leases';

describe('PeerLeases', () => {
  function setup() {
    let now = 0;
    const leases = new PeerLeases(6000, () => now);
    return { leases, advance: (ms: number) => (now += ms) };
  }

  it('keeps an instance for a lease after its last report, then drops it', () => {
    const { leases, advance } = setup();
    expect(leases.heard({ id: 'a', streams: 2, finalsLoad: null })).toBe(true);
    advance(5000);
    expect(leases.heard({ id: 'a', streams: 2, finalsLoad: 0.4 })).toBe(false);
    advance(5000);
    expect(leases.expire()).toBe(false);
    expect(leases.list()).toEqual([{ id: 'a', streams: 2, finalsLoad: 0.4 }]);
    advance(1001);
    expect(leases.expire()).toBe(true);
    expect(leases.list()).toEqual([]);
  });

  it('tells a changed claim and a leaving instance', () => {
    const { leases } = setup();
    leases.heard({ id: 'a', streams: 2, finalsLoad: null });
    expect(leases.heard({ id: 'a', streams: 3, finalsLoad: null })).toBe(true);
    expect(leases.left('a')).toBe(true);
    expect(leases.left('a')).toBe(false);
  });

  it('gives every instance a new lease when this one listens again after hearing nobody', () => {
    const { leases, advance } = setup();
    leases.heard({ id: 'a', streams: 1, finalsLoad: null });
    advance(10000);
    leases.renewAll();
    advance(5000);
    expect(leases.expire()).toBe(false);
    expect(leases.list()).toHaveLength(1);
  });
});
