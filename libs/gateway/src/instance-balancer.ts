/** What the balancer needs to know of an instance. */
export interface WeightedCandidate {
  readonly id: string;
  readonly weight: number;
}

/**
 * Smooth weighted round-robin, the algorithm nginx uses for `upstream` weights: every pick adds each
 * candidate's weight to its running score, takes the highest and subtracts the total from it. Over any run
 * of sum(weights) picks each candidate is chosen exactly `weight` times, and heavy instances are spread out
 * (5,1,1 gives a a b a c a a) instead of being served in bursts.
 *
 * Candidates are passed per pick, so an instance that is down or whose breaker is open simply sits out
 * while the others keep their rhythm; its score is kept for when it comes back.
 */
export class InstanceBalancer {
  private readonly scores = new Map<string, number>();

  pick<T extends WeightedCandidate>(candidates: readonly T[]): T | undefined {
    let total = 0;
    let best: T | undefined;
    let bestScore = -Infinity;
    for (const candidate of candidates) {
      const score = (this.scores.get(candidate.id) ?? 0) + candidate.weight;
      this.scores.set(candidate.id, score);
      total += candidate.weight;
      if (score > bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    if (best) this.scores.set(best.id, bestScore - total);
    return best;
  }
}
