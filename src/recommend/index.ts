/**
 * The verdict: fine-tune, RAG, both, or the base model, overall and per category, with the reasons, the
 * break-even volumes and what would change it. Pure: everything it weighs comes in through `input`.
 */
import type { WorkloadSpec } from '../config/schema.js';
import { formatUsd } from '../cost/index.js';
import type { Comparison, Recommendation, SystemSummary } from '../schema/run-result.js';
import { type Decision, decide } from './decide.js';
import { candidatesFor, type Candidate, compare, knowledgeBearing } from './evidence.js';
import * as explain from './explain.js';

export { COST_MARGIN, MDD_TOO_LARGE } from './decide.js';
export { FRESHNESS_TOLERANCE } from './evidence.js';

export interface BreakEvenInput {
  a: string;
  b: string;
  monthlyQueries: number | null;
  note: string;
}

export interface RecommendInput {
  systems: SystemSummary[];
  comparisons: Comparison[];
  workload: WorkloadSpec;
  primaryMetric: string;
  categories: string[];
  mdd?: { value: number; n: number };
  breakEven?: BreakEvenInput[];
}

type Verdict = Recommendation['choice'];

export function recommend(input: RecommendInput): Recommendation {
  const { systems, comparisons, workload, primaryMetric: metric } = input;
  const candidates = candidatesFor(systems, metric, undefined, workload);
  const d = decide({ candidates, comparisons, metric, mdd: input.mdd });
  let confidence = d.confidence;
  const warnings = collectWarnings(input, d, candidates);

  const reasons: string[] = [];
  const push = (s: string | undefined) => s && reasons.push(s);
  push(explain.qualityReason(d, metric, comparisons));
  push(explain.costReason(d, workload));
  for (const r of explain.exclusionReasons(candidates)) push(r);
  push(explain.latencyReason(d.winner, systems, workload));
  if (workload.accuracyTarget !== undefined && d.winner) {
    const met = d.winner.mean >= workload.accuracyTarget;
    push(`${d.winner.id} ${met ? 'reaches' : 'misses'} the ${metric} target of ${workload.accuracyTarget} (${d.winner.mean.toFixed(3)}).`);
    if (!met) confidence = downgrade(confidence);
  }
  if (d.winner?.cost?.missingPrices.length && d.basis === 'cost') confidence = 'low';

  const byCategory: Recommendation['byCategory'] = {};
  for (const category of input.categories) byCategory[category] = categoryVerdict(input, category);

  return {
    choice: verdictOf(d),
    systemId: d.winner?.id,
    confidence,
    headline: explain.headline(d, metric, workload),
    reasons: reasons.slice(0, 5),
    byCategory,
    breakEven: (input.breakEven ?? []).map((b) => ({ ...b })),
    whatWouldChange: whatWouldChange(input, d, candidates),
    warnings,
  };
}

function verdictOf(d: Decision): Verdict {
  return (d.winner?.kind as Verdict | undefined) ?? 'inconclusive';
}

function downgrade(c: 'high' | 'medium' | 'low'): 'high' | 'medium' | 'low' {
  return c === 'high' ? 'medium' : 'low';
}

function categoryVerdict(input: RecommendInput, category: string): Recommendation['byCategory'][string] {
  const { systems, comparisons, workload, primaryMetric: metric } = input;
  const candidates = candidatesFor(systems, metric, category, workload, {
    freshnessMatters: knowledgeBearing(systems, comparisons, metric, category),
  });
  const hasComparisons = comparisons.some((c) => c.category === category && c.metric === metric);
  const d = decide({ candidates, comparisons, metric, category, mdd: hasComparisons ? undefined : input.mdd });
  const reasons: string[] = [];
  const q = explain.qualityReason(d, metric, comparisons, category);
  if (q) reasons.push(q);
  if (!hasComparisons) reasons.push(`No per-category comparisons for "${category}": no difference counts as significant.`);
  if (d.basis === 'cost' && d.winner) reasons.push(`Chosen on cost: ${d.winner.id} is the cheapest of the indistinguishable systems.`);
  if (d.basis === 'too-small') reasons.push('Too few items in this category to separate the systems.');
  if (d.basis === 'tie') reasons.push('Indistinguishable quality and cost within 10%.');
  for (const r of explain.exclusionReasons(candidates)) reasons.push(r);
  return { choice: verdictOf(d), systemId: d.winner?.id, confidence: d.confidence, reasons };
}

function collectWarnings(input: RecommendInput, d: Decision, candidates: Candidate[]): string[] {
  const warnings: string[] = [];
  const mdd = explain.mddWarning(d, input.mdd, input.primaryMetric);
  if (mdd) warnings.push(mdd);
  if (!input.comparisons.some((c) => c.metric === input.primaryMetric && c.category === undefined) && candidates.length > 1) {
    warnings.push(`No paired comparisons on ${input.primaryMetric}: no quality difference can be called significant.`);
  }
  for (const s of input.systems) {
    if (!candidates.some((c) => c.id === s.id)) warnings.push(`${s.id} has no ${input.primaryMetric} score and was not considered.`);
    if (s.errors > 0) warnings.push(`${s.id}: ${s.errors} of ${s.items} items failed after retries; they count as wrong answers.`);
    if (!s.cost) warnings.push(`${s.id} has no cost estimate; cost, budget and break-even ignore it.`);
    else if (s.cost.missingPrices.length > 0) warnings.push(`${s.id}'s cost excludes missing prices: ${s.cost.missingPrices.join('; ')}.`);
  }
  const unverified = new Set(input.systems.flatMap((s) => s.cost?.unverifiedPrices ?? []));
  if (unverified.size > 0) warnings.push(`Unverified prices used (check before relying on the cost figures): ${[...unverified].join('; ')}.`);
  if (d.staleFallback && d.winner) warnings.push(`Only stale-prone fine-tuned systems qualify: ${d.winner.stale}.`);
  if (input.workload.accuracyTarget !== undefined && candidates.length > 0 && candidates.every((c) => c.mean < input.workload.accuracyTarget!)) {
    warnings.push(`No system reaches the ${input.primaryMetric} target of ${input.workload.accuracyTarget}.`);
  }
  return warnings;
}

function whatWouldChange(input: RecommendInput, d: Decision, candidates: Candidate[]): string[] {
  const out: string[] = [];
  const w = d.winner;
  for (const b of input.breakEven ?? []) {
    if (b.monthlyQueries === null) continue;
    if (!w || b.a === w.id || b.b === w.id) out.push(b.note);
  }
  if (input.mdd && d.best) {
    for (const r of d.tier.filter((c) => c !== d.best)) {
      const n = explain.itemsNeeded(input.mdd, d.best.mean - r.mean);
      if (n !== undefined && n > input.mdd.n) out.push(`A test set of ~${n.toLocaleString('en-US')} items would be needed to separate ${d.best.id} and ${r.id} (observed difference ${(d.best.mean - r.mean).toFixed(3)}).`);
    }
  }
  const slo = input.workload.latencySloMs;
  const budget = input.workload.monthlyBudgetUsd;
  for (const c of candidates) {
    if (c.failures.length === 0 || (d.best && c.mean <= d.best.mean)) continue;
    const s = input.systems.find((x) => x.id === c.id)!;
    if (slo !== undefined && s.latencyMs.p95 > slo) out.push(`${c.id} scores higher; an SLO of ${Math.ceil(s.latencyMs.p95)} ms (p95) would let it qualify.`);
    if (budget !== undefined && c.monthlyRunUsd !== undefined && c.monthlyRunUsd > budget) out.push(`${c.id} scores higher; a budget of ${formatUsd(c.monthlyRunUsd)}/month would let it qualify.`);
  }
  if (candidates.some((c) => c.stale)) {
    const hint = explain.freshnessHint(input.workload);
    if (hint) out.push(hint);
  }
  if (w && input.workload.accuracyTarget !== undefined && w.mean < input.workload.accuracyTarget) {
    out.push(`Raising ${w.id} to the ${input.primaryMetric} target of ${input.workload.accuracyTarget} (now ${w.mean.toFixed(3)}) would strengthen the verdict.`);
  }
  const runnerUp = d.eligible.filter((c) => c !== w).sort((a, b) => b.mean - a.mean)[0];
  if (w && runnerUp && d.basis === 'quality' && out.length === 0) {
    const cmp = compare(input.comparisons, input.primaryMetric, undefined, w.id, runnerUp.id);
    if (cmp) out.push(`The verdict holds unless ${runnerUp.id} closes a ${cmp.difference.toFixed(3)} gap on ${input.primaryMetric}.`);
  }
  return out;
}
