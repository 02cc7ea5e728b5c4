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

/**
 * Power of two choices over expected finish times: smooth weighted round-robin proposes one candidate,
 * a second is drawn at random in proportion to weight, and the call goes to whichever is expected to finish
 * it first (a tie keeps the proposal). While any candidate is unmeasured (`finishMs` undefined) the
 * proposal stands, so a cold pool, or one that only proxies, is plain weighted round-robin. Two choices
 * rather than the single best: every instance keeps being sampled, and a burst of calls decided on the same
 * figures does not all land on one instance.
 */
export function pickByExpectedFinish<T extends WeightedCandidate>(
  balancer: InstanceBalancer,
  candidates: readonly T[],
  finishMs: (candidate: T) => number | undefined,
  random: () => number = Math.random,
): T | undefined {
  const proposed = balancer.pick(candidates);
  if (!proposed || candidates.length < 2) return proposed;
  const proposedFinish = finishMs(proposed);
  if (proposedFinish === undefined || candidates.some((candidate) => finishMs(candidate) === undefined)) {
    return proposed;
  }
  const others = candidates.filter((candidate) => candidate !== proposed);
  const total = others.reduce((sum, candidate) => sum + candidate.weight, 0);
  let draw = random() * total;
  const challenger = others.find((candidate) => (draw -= candidate.weight) < 0) ?? others[others.length - 1];
  return (finishMs(challenger) ?? Infinity) < proposedFinish ? challenger : proposed;
}
