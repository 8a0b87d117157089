/**
 * The decision procedure of docs/verdict.md, applied overall and per category. Rules, in order:
 * 1. hard constraints rule systems out (the SLO only with 95% confidence);
 * 2. nothing qualifies (or only zero-scorers do): inconclusive, naming what each breaks;
 * 3. quality first: the top tier is every qualifying system not significantly worse than another qualifying one;
 *    a zero never wins while something scores; one system in the tier wins on quality;
 * 4. (freshness is a number on each candidate: `expected` = measured minus the penalty; it reorders only in ties)
 * 5. composite systems leave the tier when they tie one of their parts, unless equivalent and cheaper (or, against
 *    fine-tuned, fresher by more than the margin);
 * 6. ties: among the tier members within the margin of the best expected accuracy, the cheapest is the pick; it
 *    wins only if shown equivalent (TOST) to every other member (a rival of another kind costing within 10%: either
 *    will do, inconclusive); otherwise inconclusive with the items needed.
 */
import type { Comparison } from '../schema/run-result.js';
import { type Candidate, compare, type OrientedComparison, significantlyWorse } from './evidence.js';

/** Costs within this share of each other do not decide between systems of equivalent quality. */
export const COST_MARGIN = 0.1;

export type Confidence = 'high' | 'medium' | 'low';

export type Basis =
  | 'quality'
  | 'composite'
  | 'variant'
  | 'cost'
  | 'freshness'
  | 'equal-cost'
  | 'not-shown'
  | 'unpriced'
  | 'no-data'
  | 'no-eligible';

export interface CompositeStep {
  /** The system that left the tier. */
  dropped: Candidate;
  /** The system it tied. */
  kept: Candidate;
  why: 'simpler' | 'equivalent-cheaper' | 'fresher';
  evidence?: OrientedComparison;
}

export interface Unresolved {
  rival: Candidate;
  /** pick minus rival. */
  evidence?: OrientedComparison;
}

export interface Decision {
  winner?: Candidate;
  confidence: Confidence;
  basis: Basis;
  /** The quality tier after composite reduction. */
  tier: Candidate[];
  /** The tier before composite reduction. */
  qualityTier: Candidate[];
  composite: CompositeStep[];
  /** The tie's pick (cheapest among the freshest), whether or not it could be named the winner. */
  pick?: Candidate;
  /** Tier members the pick could be neither separated from nor shown equivalent to. */
  unresolved: Unresolved[];
  /** Tier members set aside by freshness (expected accuracy more than the margin below the best). */
  freshnessDropped: Candidate[];
  /** The best-scoring qualifying system. */
  best?: Candidate;
  /** Systems ruled out by a constraint that score higher than every system in the tier. */
  excludedBetter: Candidate[];
  eligible: Candidate[];
  /** True when the only qualifying systems score zero while another scores. */
  onlyZeros: boolean;
  /** Systems that break a hard constraint. */
  ruledOut: Candidate[];
}

export interface DecideInput {
  candidates: Candidate[];
  comparisons: Comparison[];
  metric: string;
  category?: string;
  margin: number;
}

const byMeanDesc = (a: Candidate, b: Candidate) => b.mean - a.mean || a.id.localeCompare(b.id);
const horizonCost = (c: Candidate) => c.cost?.horizonTotalUsd ?? Infinity;

export function decide(input: DecideInput): Decision {
  const { candidates, comparisons, metric, category, margin } = input;
  const none: Decision = { confidence: 'low', basis: 'no-data', tier: [], qualityTier: [], composite: [], unresolved: [], freshnessDropped: [], excludedBetter: [], eligible: [], onlyZeros: false, ruledOut: [] as Candidate[] };
  if (candidates.length === 0) return none;
  none.ruledOut = candidates.filter((c) => c.failures.length > 0);
  const eligible = candidates.filter((c) => c.failures.length === 0).sort(byMeanDesc);
  const anyScores = candidates.some((c) => c.mean > 0);
  const useful = (c: Candidate) => !(anyScores && c.mean === 0);
  if (!eligible.some(useful)) return { ...none, basis: 'no-eligible', eligible, onlyZeros: eligible.length > 0 };

  const cmp = (x: Candidate, y: Candidate) => compare(comparisons, metric, category, x.id, y.id);
  const worse = (x: Candidate, y: Candidate) => significantlyWorse(comparisons, metric, category, x.id, y.id);
  const best = eligible[0];
  let qualityTier = eligible.filter((c) => !eligible.some((o) => o !== c && worse(c, o)));
  if (qualityTier.length === 0) qualityTier = [best];
  const topMean = Math.max(...qualityTier.map((c) => c.mean));
  const excludedBetter = candidates.filter((c) => c.failures.length > 0 && c.mean > topMean).sort(byMeanDesc);
  const base = { ...none, qualityTier, best, excludedBetter, eligible };

  if (qualityTier.length === 1 && useful(qualityTier[0])) {
    return { ...base, winner: qualityTier[0], confidence: 'high', basis: 'quality', tier: qualityTier };
  }

  // Rule 5: a composite (rag-fine-tuned) that ties one of its parts leaves the tier unless it earns its place.
  let tier = [...qualityTier];
  const composite: CompositeStep[] = [];
  for (const x of qualityTier.filter((c) => c.kind === 'rag-fine-tuned')) {
    const rag = tier.find((c) => c.kind === 'rag');
    const ft = tier.find((c) => c.kind === 'fine-tuned');
    const part = rag ?? ft;
    if (!part || !tier.includes(x)) continue;
    const ev = cmp(x, part);
    const equivalentCheaper = !!ev?.equivalent && horizonCost(x) < horizonCost(part);
    const fresher = part === ft && !rag && x.expected - part.expected > margin;
    if (equivalentCheaper || fresher) {
      tier = tier.filter((c) => c !== part);
      composite.push({ dropped: part, kept: x, why: equivalentCheaper ? 'equivalent-cheaper' : 'fresher', evidence: ev });
    } else {
      tier = tier.filter((c) => c !== x);
      composite.push({ dropped: x, kept: part, why: 'simpler', evidence: ev });
    }
  }
  const afterComposite = { ...base, tier, composite };
  if (tier.length === 1 && useful(tier[0])) {
    const shown = composite.every((s) => s.evidence?.equivalent || s.why === 'fresher');
    return { ...afterComposite, winner: tier[0], confidence: shown ? 'high' : 'medium', basis: 'composite' };
  }

  // Rule 6: ties. Variants of one approach: the approach is clear, the cheapest variant wins.
  const pool = tier.filter(useful);
  if (pool.length === 0) return { ...afterComposite, basis: 'no-eligible', onlyZeros: true };
  if (tier.every((c) => c.kind === tier[0].kind)) {
    const priced = pool.every((c) => c.cost);
    const cheapest = priced ? [...pool].sort((a, b) => horizonCost(a) - horizonCost(b) || byMeanDesc(a, b))[0] : [...pool].sort(byMeanDesc)[0];
    return { ...afterComposite, winner: cheapest, confidence: 'medium', basis: 'variant' };
  }
  // Freshness reorders a tie: the pick comes from the members within the margin of the best expected accuracy.
  const topExpected = Math.max(...pool.map((c) => c.expected));
  const topMeasured = Math.max(...pool.map((c) => c.mean));
  const contenders = pool.filter((c) => c.expected >= topExpected - margin);
  const freshnessDropped = pool.filter((c) => !contenders.includes(c) && c.mean >= topMeasured - margin);
  const priced = tier.every((c) => c.cost);
  const pick = priced ? [...contenders].sort((a, b) => horizonCost(a) - horizonCost(b) || byMeanDesc(a, b))[0] : [...contenders].sort(byMeanDesc)[0];
  const unresolved: Unresolved[] = [];
  for (const r of tier.filter((c) => c !== pick)) {
    const ev = cmp(pick, r);
    if (!ev?.equivalent) unresolved.push({ rival: r, evidence: ev });
  }
  const tie = { ...afterComposite, pick, unresolved, freshnessDropped };
  if (unresolved.length > 0) return { ...tie, confidence: 'low', basis: 'not-shown' };
  if (!priced) return { ...tie, confidence: 'low', basis: 'unpriced' };
  const pickCost = horizonCost(pick);
  const close = contenders.some((r) => r !== pick && r.kind !== pick.kind && Math.abs(horizonCost(r) - pickCost) <= COST_MARGIN * Math.max(pickCost, 1e-9));
  if (close) return { ...tie, confidence: 'low', basis: 'equal-cost' };
  return { ...tie, winner: pick, confidence: 'medium', basis: freshnessDropped.some((r) => horizonCost(r) < pickCost) ? 'freshness' : 'cost' };
}
