/**
 * The decision rule, applied overall and per category (docs/cost.md):
 * 1. Systems that fail a hard constraint (SLO, budget, citations) cannot win; a fine-tuned-only system whose
 *    knowledge goes stale is set aside while anything else qualifies.
 * 2. Among the rest, the "top tier" is the best system on the primary metric plus every system not
 *    significantly worse than it (Holm-corrected comparisons; no comparison means no evidence of a difference).
 * 3. One system in the tier: it wins on quality (high confidence).
 * 4. Several: quality does not separate them. If the set is too small to detect a 10-point difference, or a rival
 *    of another kind costs within 10% of the cheapest, the verdict is inconclusive; otherwise the cheapest wins
 *    with low confidence.
 */
import type { Comparison } from '../schema/run-result.js';
import { type Candidate, significantlyWorse } from './evidence.js';

/** A set whose minimum detectable difference exceeds this (on a 0..1 metric) cannot separate systems that matter. */
export const MDD_TOO_LARGE = 0.1;
/** Costs within this share of each other do not decide between systems of similar quality. */
export const COST_MARGIN = 0.1;

export type Confidence = 'high' | 'medium' | 'low';

export interface Decision {
  winner?: Candidate;
  confidence: Confidence;
  /** Why, in one clause, for the headline. */
  basis: 'quality' | 'cost' | 'tie' | 'too-small' | 'no-data' | 'no-eligible';
  tier: Candidate[];
  /** Systems in the tier of another kind than the winner (quality-indistinguishable rivals). */
  rivals: Candidate[];
  /** The best-scoring eligible system. */
  best?: Candidate;
  /** Eligible systems better than the best eligible one that a constraint excluded. */
  excludedBetter: Candidate[];
  eligible: Candidate[];
  staleFallback: boolean;
}

export interface DecideInput {
  candidates: Candidate[];
  comparisons: Comparison[];
  metric: string;
  category?: string;
  mdd?: { value: number; n: number };
}

const byMeanDesc = (a: Candidate, b: Candidate) => b.mean - a.mean || a.id.localeCompare(b.id);

export function decide(input: DecideInput): Decision {
  const { candidates, comparisons, metric, category } = input;
  const empty = { tier: [], rivals: [], excludedBetter: [], eligible: [], staleFallback: false };
  if (candidates.length === 0) return { ...empty, confidence: 'low', basis: 'no-data' };
  const passing = candidates.filter((c) => c.failures.length === 0);
  if (passing.length === 0) return { ...empty, confidence: 'low', basis: 'no-eligible' };
  const fresh = passing.filter((c) => !c.stale);
  const staleFallback = fresh.length === 0;
  const eligible = staleFallback ? passing : fresh;

  const ranked = [...eligible].sort(byMeanDesc);
  const best = ranked[0];
  const tier = ranked.filter((c) => c === best || !significantlyWorse(comparisons, metric, category, c.id, best.id));
  const excludedBetter = candidates.filter((c) => !eligible.includes(c) && c.mean > best.mean);

  if (tier.length === 1) {
    const confidence: Confidence = excludedBetter.length > 0 || staleFallback ? 'medium' : 'high';
    return { winner: best, confidence, basis: 'quality', tier, rivals: [], best, excludedBetter, eligible, staleFallback };
  }

  const priced = tier.every((c) => c.cost !== undefined);
  const cheapest = priced ? [...tier].sort((a, b) => a.cost!.horizonTotalUsd - b.cost!.horizonTotalUsd || byMeanDesc(a, b))[0] : best;
  const rivals = tier.filter((c) => c.kind !== cheapest.kind);
  const base = { tier, rivals, best, excludedBetter, eligible, staleFallback };
  if (rivals.length === 0) {
    // Every indistinguishable system is the same kind of approach: the approach is clear, the variant is cost's call.
    return { ...base, winner: cheapest, confidence: 'medium', basis: priced ? 'cost' : 'quality' };
  }
  if (input.mdd && input.mdd.value > MDD_TOO_LARGE) return { ...base, confidence: 'low', basis: 'too-small' };
  if (!priced) return { ...base, confidence: 'low', basis: 'tie' };
  const cheapestCost = cheapest.cost!.horizonTotalUsd;
  const close = rivals.some((r) => r.cost!.horizonTotalUsd - cheapestCost <= COST_MARGIN * Math.max(cheapestCost, 1e-9));
  if (close) return { ...base, confidence: 'low', basis: 'tie' };
  return { ...base, winner: cheapest, confidence: 'low', basis: 'cost' };
}
