/** Plain-language sentences for the verdict; every one cites the numbers it rests on. */
import type { WorkloadSpec } from '../config/schema.js';
import { formatUsd, formatVolume } from '../cost/index.js';
import type { Comparison, SystemSummary } from '../schema/run-result.js';
import type { Decision } from './decide.js';
import { type Candidate, compare, FRESHNESS_TOLERANCE } from './evidence.js';

export const KIND_LABEL: Record<string, string> = {
  base: 'the base model',
  'fine-tuned': 'the fine-tuned model',
  rag: 'RAG (Knowledge Base)',
  'rag-fine-tuned': 'RAG with the fine-tuned model',
};

export const kindLabel = (kind: string) => KIND_LABEL[kind] ?? kind;
const score = (x: number) => x.toFixed(3);
const ci = (c: Candidate) => (c.ci95 ? ` (95% CI ${score(c.ci95[0])}-${score(c.ci95[1])})` : '');
const p = (x: number) => (x < 0.001 ? 'p < 0.001' : `p = ${x.toFixed(3)}`);

export function qualityReason(d: Decision, metric: string, comparisons: Comparison[], category?: string): string | undefined {
  const { best, tier, eligible } = d;
  if (!best) return undefined;
  if (tier.length === 1) {
    const next = eligible.filter((c) => c !== best).sort((a, b) => b.mean - a.mean)[0];
    if (!next) return `${best.id} is the only qualifying system; ${metric} ${score(best.mean)}${ci(best)}.`;
    const cmp = compare(comparisons, metric, category, best.id, next.id);
    const sig = cmp ? `, significant after Holm correction (${p(cmp.pAdjusted)}, n = ${cmp.n})` : '';
    return `${best.id} scores ${metric} ${score(best.mean)}${ci(best)} vs ${score(next.mean)} for the next best, ${next.id}: a difference of ${signed(best.mean - next.mean)}${sig}.`;
  }
  const other = tier.find((c) => c !== best)!;
  const cmp = compare(comparisons, metric, category, best.id, other.id);
  const evidence = cmp ? `Holm-adjusted ${p(cmp.pAdjusted)}` : 'no paired comparison available';
  const names = tier.map((c) => `${c.id} ${score(c.mean)}`).join(', ');
  return `On ${metric} the data do not separate ${names} (${best.id} vs ${other.id}: ${signed(best.mean - other.mean)}, ${evidence}).`;
}

export function costReason(d: Decision, workload: WorkloadSpec): string | undefined {
  const pool = (d.tier.length > 1 ? d.tier : d.eligible).filter((c) => c.cost);
  if (pool.length < 2) {
    const w = d.winner;
    return w?.cost ? `${w.id} costs ${formatUsd(w.cost.horizonTotalUsd)} over ${workload.horizonMonths} months at ${formatVolume(workload.monthlyQueries)} queries/month.` : undefined;
  }
  const sorted = [...pool].sort((a, b) => a.cost!.horizonTotalUsd - b.cost!.horizonTotalUsd);
  const parts = sorted.slice(0, 3).map((c) => `${c.id} ${formatUsd(c.cost!.horizonTotalUsd)} (${formatUsd(c.monthlyRunUsd ?? c.cost!.monthlyTotalUsd)}/month)`);
  return `At ${formatVolume(workload.monthlyQueries)} queries/month over ${workload.horizonMonths} months: ${parts.join(', ')}.`;
}

export function latencyReason(winner: Candidate | undefined, systems: SystemSummary[], workload: WorkloadSpec): string | undefined {
  if (!winner) return undefined;
  const s = systems.find((x) => x.id === winner.id);
  if (!s || s.latencyMs.n === 0) return undefined;
  const slo = workload.latencySloMs !== undefined ? `, within the ${workload.latencySloMs} ms SLO` : '';
  return `${winner.id} answers with p95 latency ${Math.round(s.latencyMs.p95)} ms${slo}.`;
}

export function exclusionReasons(candidates: Candidate[]): string[] {
  const out: string[] = [];
  for (const c of candidates) {
    if (c.failures.length > 0) out.push(`${c.id} is ruled out: ${c.failures.join('; ')}.`);
    else if (c.stale) out.push(`${c.id} is penalized for freshness: ${c.stale}; a fine-tuned-only model cannot know them.`);
  }
  return out;
}

export function headline(d: Decision, metric: string, workload: WorkloadSpec): string {
  const w = d.winner;
  if (!w) {
    switch (d.basis) {
      case 'no-data':
        return `Inconclusive: no system has ${metric} scores to compare.`;
      case 'no-eligible':
        return 'Inconclusive: no system meets the constraints (latency SLO, budget, citations).';
      case 'too-small':
        return `Inconclusive: the test set is too small to tell ${names(d.tier)} apart on ${metric}.`;
      default:
        return `Inconclusive: ${names(d.tier)} are indistinguishable on ${metric} and cost within 10% of each other.`;
    }
  }
  const what = `Choose ${kindLabel(w.kind)} (${w.id})`;
  if (d.basis === 'quality') return `${what}: it is significantly better on ${metric} than every other qualifying system.`;
  const at = `at ${formatVolume(workload.monthlyQueries)} queries/month`;
  return `${what}: it is the cheapest ${at} among systems the data cannot separate on ${metric}.`;
}

export function mddWarning(d: Decision, mdd: { value: number; n: number } | undefined, metric: string): string | undefined {
  if (!mdd || !d.best) return undefined;
  const close = d.tier.filter((c) => c !== d.best && Math.abs(d.best!.mean - c.mean) < mdd.value);
  if (close.length === 0) return undefined;
  const pairs = close.map((c) => `${d.best!.id} vs ${c.id} ${signed(d.best!.mean - c.mean)}`).join(', ');
  return `With n = ${mdd.n} items the set can only detect ${metric} differences of about ${mdd.value.toFixed(3)}; observed differences are below it (${pairs}).`;
}

/** Items needed to detect the observed gap, from MDD ∝ 1/√n. */
export function itemsNeeded(mdd: { value: number; n: number }, difference: number): number | undefined {
  if (Math.abs(difference) < 1e-9) return undefined;
  // The epsilon keeps float noise (0.6 - 0.45 = 0.15000000000000002) from adding an item.
  return Math.ceil(mdd.n * (mdd.value / Math.abs(difference)) ** 2 - 1e-9);
}

export function freshnessHint(workload: WorkloadSpec): string | undefined {
  if (workload.knowledgeChangePerMonth <= 0) return undefined;
  const months = FRESHNESS_TOLERANCE / workload.knowledgeChangePerMonth;
  const rounded = Number(months.toPrecision(2));
  const every = months < 1 ? `${Math.round(months * 30)} days` : rounded === 1 ? 'month' : `${rounded} months`;
  return `Retraining at least every ${every} would keep fine-tuned knowledge within ${FRESHNESS_TOLERANCE * 100}% of current facts.`;
}

function names(cs: Candidate[]): string {
  return cs.map((c) => c.id).join(', ');
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;
}
