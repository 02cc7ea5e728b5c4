import type { Peer } from './decode-peers';

/**
 * The other instances as last heard, each kept for a lease after its last report: an instance that dies
 * stops reporting, and its share of the pool returns to the others when its lease runs out.
 */
export class PeerLeases {
  private readonly peers = new Map<string, Peer & { heardAt: number }>();

  constructor(
    private readonly leaseMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Records a report; true when the split of the pool may change (a new instance, or another claim). */
  heard(peer: Peer): boolean {
    const known = this.peers.get(peer.id);
    this.peers.set(peer.id, { ...peer, heardAt: this.now() });
    return known?.streams !== peer.streams;
  }

  /** An instance said it leaves; true when it was known. */
  left(id: string): boolean {
    return this.peers.delete(id);
  }

  /** Drops the instances not heard for a lease; true when any was. */
  expire(): boolean {
    const before = this.now() - this.leaseMs;
    let dropped = false;
    for (const [id, peer] of this.peers) {
      if (peer.heardAt >= before) continue;
      this.peers.delete(id);
      dropped = true;
    }
    return dropped;
  }

  /**
   * Every lease starts again now. While this instance's own connection was down it heard nobody, which says
   * nothing about them: they keep their share until they had a lease's time to report again.
   */
  renewAll(): void {
    const now = this.now();
    for (const peer of this.peers.values()) peer.heardAt = now;
  }

  list(): Peer[] {
    return [...this.peers.values()].map(({ id, streams, finalsLoad }) => ({ id, streams, finalsLoad }));
  }
}
