/** Plain-language sentences for the verdict; every one quotes the numbers it rests on, each in its own unit. */
import type { WorkloadSpec } from '../config/schema.js';
import { formatUsd, formatVolume } from '../cost/index.js';
import type { Comparison } from '../schema/run-result.js';
import type { Decision } from './decide.js';
import { type Candidate, compare, latencyText, type OrientedComparison } from './evidence.js';

export const KIND_LABEL: Record<string, string> = {
  base: 'the base model',
  'fine-tuned': 'the fine-tuned model',
  rag: 'RAG (Knowledge Base)',
  'rag-fine-tuned': 'RAG with the fine-tuned model',
};

export const kindLabel = (kind: string) => KIND_LABEL[kind] ?? kind;
export const score = (x: number) => x.toFixed(3);
/** A difference of two 0..1 scores, in points. */
export const pts = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pts`;
const ptsAbs = (x: number) => `${(Math.abs(x) * 100).toFixed(1)} pts`;
const ci = (c: Candidate) => (c.ci95 ? ` (95% CI ${score(c.ci95[0])}-${score(c.ci95[1])})` : '');
const p = (x: number) => (x < 0.001 ? 'p < 0.001' : `p = ${x.toFixed(3)}`);
const count = (n: number) => n.toLocaleString('en-US');
const names = (cs: Candidate[]) => cs.map((c) => c.id).join(', ');

function versus(ev: OrientedComparison | undefined): string {
  if (!ev) return 'no paired comparison available';
  return `${pts(ev.difference)}, Holm ${p(ev.pAdjusted)}, n = ${ev.n}`;
}

function equivalenceText(ev: OrientedComparison | undefined): string {
  if (!ev?.ci90 || ev.margin === undefined) return 'no equivalence test available';
  return `90% CI ${pts(ev.ci90[0])} to ${pts(ev.ci90[1])}, margin ±${ptsAbs(ev.margin)}`;
}

/** The unresolved pair in words: difference, MDE and the items that would settle it. */
export function unresolvedText(d: Decision, metric: string): string[] {
  if (!d.pick) return [];
  return d.unresolved.map(({ rival, evidence: ev }) => {
    if (!ev) return `${d.pick!.id} vs ${rival.id}: no paired comparison, so neither a difference nor equivalence can be shown.`;
    const mde = ev.mde === null || ev.mde === undefined ? 'no difference is detectable' : `the paired MDE is ${ptsAbs(ev.mde)}`;
    const basis = ev.mdeBasis ? ` (${ev.mdeBasis})` : '';
    const settle = ev.itemsToSettle ? `; about ${count(ev.itemsToSettle)} items would settle it` : '';
    return `${d.pick!.id} vs ${rival.id} on ${metric}: ${versus(ev)}, not significant, and not shown equivalent (${equivalenceText(ev)}); at n = ${ev.n} ${mde}${basis}${settle}.`;
  });
}

export function qualityReason(d: Decision, metric: string, comparisons: Comparison[], category?: string): string | undefined {
  const { best, qualityTier, eligible } = d;
  if (!best || qualityTier.length === 0) return undefined;
  if (qualityTier.length === 1) {
    const top = qualityTier[0];
    const next = eligible.filter((c) => c !== top).sort((a, b) => b.mean - a.mean)[0];
    if (!next) return `${top.id} is the only qualifying system; ${metric} ${score(top.mean)}${ci(top)}.`;
    const ev = compare(comparisons, metric, category, top.id, next.id);
    return `${top.id} scores ${metric} ${score(top.mean)}${ci(top)} vs ${score(next.mean)} for the next best, ${next.id}: ${versus(ev)}, significant.`;
  }
  const list = qualityTier.map((c) => `${c.id} ${score(c.mean)}`).join(', ');
  return `On ${metric} no qualifying system is significantly better than these: ${list}.`;
}

export function compositeReasons(d: Decision, metric: string): string[] {
  return d.composite.map((s) => {
    const ev = s.evidence;
    const tie = `${s.dropped.kind === 'rag-fine-tuned' ? s.dropped.id : s.kept.id} ties ${s.dropped.kind === 'rag-fine-tuned' ? s.kept.id : s.dropped.id} on ${metric} (${versus(ev)})`;
    if (s.why === 'simpler') {
      const upkeep = s.kept.kind === 'rag' ? 'no model to train or keep fresh' : 'no Knowledge Base to run';
      const shown = ev?.equivalent ? `equivalent within ±${ptsAbs(ev.margin ?? 0)}` : 'not shown better';
      return `${tie}: the composite must be measurably better than both of its parts and is ${shown}, so the simpler ${s.kept.id} stays (${upkeep}).`;
    }
    if (s.why === 'equivalent-cheaper') {
      return `${tie} and is equivalent (${equivalenceText(ev)}) and cheaper (${formatUsd(s.kept.cost!.horizonTotalUsd)} vs ${formatUsd(s.dropped.cost!.horizonTotalUsd)}), so ${s.kept.id} stays.`;
    }
    return `${tie}, but freshness says otherwise: expected ${metric} ${score(s.kept.expected)} for ${s.kept.id} vs ${score(s.dropped.expected)} for ${s.dropped.id} over the horizon, a gap above the ±${ptsAbs(ev?.margin ?? 0)} margin.`;
  });
}

export function tieReason(d: Decision, metric: string, workload: WorkloadSpec, comparisons: Comparison[], category?: string): string | undefined {
  const { pick } = d;
  if (!pick) return undefined;
  const at = `at ${formatVolume(workload.monthlyQueries)} queries/month over ${workload.horizonMonths} months`;
  const rivals = d.tier.filter((c) => c !== pick);
  const eqs = rivals
    .filter((r) => !d.unresolved.some((u) => u.rival === r))
    .map((r) => {
      const ev = compare(comparisons, metric, category, pick.id, r.id);
      const gap = pick.cost && r.cost ? `, ${formatUsd(r.cost.horizonTotalUsd - pick.cost.horizonTotalUsd)} ${r.cost.horizonTotalUsd >= pick.cost.horizonTotalUsd ? 'cheaper' : 'dearer'} than ${r.id}` : '';
      const fresher = d.freshnessDropped.includes(r) ? ` and fresher (expected ${metric} over the horizon ${score(pick.expected)} vs ${score(r.expected)})` : '';
      return `equivalent to ${r.id} on ${metric} (${equivalenceText(ev)})${fresher}${gap}`;
    });
  if (d.basis === 'cost' || d.basis === 'freshness') {
    return `${pick.id} is ${eqs.join('; ')} ${at}: ${formatUsd(pick.cost!.horizonTotalUsd)} in all.`;
  }
  if (d.basis === 'equal-cost') {
    const parts = d.tier.map((c) => `${c.id} ${formatUsd(c.cost!.horizonTotalUsd)}`).join(', ');
    return `${names(d.tier)} are equivalent on ${metric} and cost within 10% of each other ${at} (${parts}): either will do.`;
  }
  return undefined;
}

export function costReason(d: Decision, workload: WorkloadSpec): string | undefined {
  const pool = (d.tier.length > 1 ? d.tier : d.eligible).filter((c) => c.cost);
  if (pool.length < 2) {
    const w = d.winner;
    return w?.cost ? `${w.id} costs ${formatUsd(w.cost.horizonTotalUsd)} over ${workload.horizonMonths} months at ${formatVolume(workload.monthlyQueries)} queries/month.` : undefined;
  }
  const sorted = [...pool].sort((a, b) => a.cost!.horizonTotalUsd - b.cost!.horizonTotalUsd);
  const parts = sorted.slice(0, 4).map((c) => `${c.id} ${formatUsd(c.cost!.horizonTotalUsd)} (${formatUsd(c.monthlyRunUsd ?? c.cost!.monthlyTotalUsd)}/month)`);
  return `At ${formatVolume(workload.monthlyQueries)} queries/month over ${workload.horizonMonths} months: ${parts.join(', ')}.`;
}

export function latencyReason(winner: Candidate | undefined, workload: WorkloadSpec): string | undefined {
  const l = winner?.latency;
  if (!winner || !l) return undefined;
  const slo = workload.latencySloMs;
  if (slo === undefined) return `${winner.id} answers with ${latencyText(l)}.`;
  if (winner.sloAtRisk) return `${winner.id} may break the latency SLO: ${winner.sloAtRisk}, so confidence is lowered one level.`;
  return `${winner.id} answers within the ${count(slo)} ms SLO: ${latencyText(l)}.`;
}

export function exclusionReasons(candidates: Candidate[]): string[] {
  return candidates.filter((c) => c.failures.length > 0).map((c) => `${c.id} (${c.kind}, ${score(c.mean)}) is ruled out: ${c.failures.join('; ')}.`);
}

/** The freshness penalty of every system that has one, as numbers. */
export function freshnessReason(candidates: Candidate[], metric: string, workload: WorkloadSpec): string | undefined {
  const hit = candidates.filter((c) => c.freshness.penalty >= 0.0005);
  if (hit.length === 0) return undefined;
  const parts = hit.map((c) => {
    const f = c.freshness;
    const every = f.cycleMonths === 1 ? 'month' : `${f.cycleMonths} months`;
    const refresh = c.kind === 'fine-tuned' ? `retrained every ${every}` : `re-ingested every ${every}`;
    return `${c.id} ${score(c.mean)} -> ${score(c.expected)} (-${ptsAbs(f.penalty)}: ${(f.staleShare * 100).toFixed(1)}% of facts stale on average, ${refresh}, × ${score(f.factScore)} of its score resting on facts)`;
  });
  return `Freshness over ${workload.horizonMonths} months at ${(workload.knowledgeChangePerMonth * 100).toFixed(1)}% of facts changing per month, expected ${metric}: ${parts.join('; ')}.`;
}

/** A constraint failure in two or three words, for the headline. */
function constraintName(failure: string): string {
  if (failure.includes('SLO')) return 'breaks the latency SLO';
  if (failure.includes('budget')) return 'is over budget';
  if (failure.includes('cite')) return 'cannot cite sources';
  return 'breaks a constraint';
}

export function headline(d: Decision, metric: string, workload: WorkloadSpec): string {
  const w = d.winner;
  if (!w) {
    switch (d.basis) {
      case 'no-data':
        return `Inconclusive: no system has ${metric} scores to compare.`;
      case 'no-eligible': {
        const breaks = d.ruledOut.map((c) => `${c.id} ${c.failures.map(constraintName).join(' and ')}`).join('; ');
        const broken = d.eligible.length === 0 ? `no system meets every constraint (${breaks})` : `the only systems that meet every constraint (${names(d.eligible)}) score 0 on ${metric}${breaks ? ` (${breaks})` : ''}`;
        return `Inconclusive: ${broken}; see the trade-off below.`;
      }
      case 'equal-cost':
        return `Inconclusive: ${names(d.tier)} are equivalent on ${metric} and cost within 10% of each other; either will do.`;
      case 'unpriced':
        return `Inconclusive: ${names(d.tier)} are equivalent on ${metric} and their cost is unknown.`;
      default: {
        const need = d.unresolved.map((u) => u.evidence?.itemsToSettle).filter((x): x is number => x !== undefined);
        const items = need.length ? `; about ${count(Math.max(...need))} items would settle it` : '';
        return `Inconclusive: the data neither separate ${names(d.tier)} on ${metric} nor show them equivalent${items}.`;
      }
    }
  }
  const what = `Choose ${kindLabel(w.kind)} (${w.id})`;
  switch (d.basis) {
    case 'quality':
      if (d.eligible.length === 1) {
        const better = d.excludedBetter.length ? `; ${names(d.excludedBetter)} ${d.excludedBetter.length === 1 ? 'scores' : 'score'} higher but ${d.excludedBetter.length === 1 ? 'is' : 'are'} ruled out` : '';
        return `${what}: it is the only system that meets every constraint${better}.`;
      }
      return `${what}: it is significantly better on ${metric} than every other qualifying system.`;
    case 'composite': {
      const s = d.composite.find((x) => x.kept === w) ?? d.composite[0];
      if (s.why === 'simpler') return `${what}: ${s.dropped.id} is not measurably better on ${metric}, and ${w.id} is the simpler system.`;
      if (s.why === 'fresher') return `${what}: it ties ${s.dropped.id} on ${metric} and stays fresher over the horizon.`;
      return `${what}: it is equivalent to ${s.dropped.id} on ${metric} and cheaper.`;
    }
    case 'variant':
      return `${what}: the systems the data cannot separate on ${metric} are all ${kindLabel(w.kind)}, and this variant costs least.`;
    case 'freshness':
      return `${what}: it is equivalent on ${metric}, fresher over the horizon and the cheapest of the rest at ${formatVolume(workload.monthlyQueries)} queries/month.`;
    default:
      return `${what}: it is equivalent on ${metric} and the cheapest at ${formatVolume(workload.monthlyQueries)} queries/month.`;
  }
}

/** When nothing qualifies: what each breaks and what the trade-off would be. */
export function tradeOff(d: Decision, candidates: Candidate[], metric: string, workload: WorkloadSpec): string[] {
  if (d.basis !== 'no-eligible') return [];
  const out: string[] = [];
  const best = [...candidates].sort((a, b) => b.mean - a.mean)[0];
  if (best && best.failures.length > 0) {
    const relax: string[] = [];
    if (workload.latencySloMs !== undefined && best.latency && best.failures.some((f) => f.includes('SLO'))) {
      relax.push(`an SLO of ${count(Math.ceil(best.latency.ci?.[1] ?? best.latency.p95))} ms`);
    }
    if (best.monthlyRunUsd !== undefined && best.failures.some((f) => f.includes('budget'))) relax.push(`a budget of ${formatUsd(best.monthlyRunUsd)}/month`);
    if (best.failures.some((f) => f.includes('cite'))) relax.push('dropping the citation requirement');
    out.push(`Trade-off: ${best.id} scores best (${metric} ${score(best.mean)}); ${relax.length ? relax.join(' and ') : 'relaxing its constraint'} would let it qualify.`);
  }
  for (const c of d.eligible) {
    if (c.mean === 0) out.push(`${c.id} meets every constraint but scores ${metric} 0.000, so it is not recommended.`);
  }
  return out;
}
