/**
 * The verdict: fine-tune, RAG, both, or the base model, overall and per category, with the reasons, the
 * break-even volumes and what would change it (docs/verdict.md). Pure: everything it weighs comes in through `input`.
 */
import type { WorkloadSpec } from '../config/schema.js';
import { formatUsd } from '../cost/index.js';
import type { Comparison, Recommendation, SystemSummary } from '../schema/run-result.js';
import { type Confidence, type Decision, decide } from './decide.js';
import { type Candidate, candidatesFor, compare, knowledgeBearing } from './evidence.js';
import * as explain from './explain.js';

export { COST_MARGIN } from './decide.js';
export { averageStaleShare } from './evidence.js';

/** Default equivalence margin: 2 points on a 0..1 metric. */
export const DEFAULT_EQUIVALENCE_MARGIN = 0.02;

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
  /** TOST margin on the primary metric (0..1). Default 0.02. */
  equivalenceMargin?: number;
  breakEven?: BreakEvenInput[];
}

type Verdict = Recommendation['choice'];

interface Scoped {
  decision: Decision;
  candidates: Candidate[];
  confidence: Confidence;
  notes: string[];
}

/** A system's score on items that depend on facts, weighted by their share of the scope. */
function factScoreFor(input: RecommendInput, category: string | undefined): (s: SystemSummary) => number {
  const { systems, comparisons, primaryMetric: metric, categories } = input;
  const bearing = (c: string | undefined) => knowledgeBearing(systems, comparisons, metric, c);
  if (category !== undefined) {
    const yes = bearing(category);
    return (s) => (yes ? (s.byCategory[category]?.metrics[metric]?.mean ?? 0) : 0);
  }
  if (categories.length === 0) {
    const yes = bearing(undefined);
    return (s) => (yes ? (s.metrics[metric]?.mean ?? 0) : 0);
  }
  const factCategories = categories.filter(bearing);
  return (s) => {
    const total = categories.reduce((n, c) => n + (s.byCategory[c]?.n ?? 0), 0);
    if (total === 0) return 0;
    return factCategories.reduce((sum, c) => sum + ((s.byCategory[c]?.n ?? 0) / total) * (s.byCategory[c]?.metrics[metric]?.mean ?? 0), 0);
  };
}

const downgrade = (c: Confidence): Confidence => (c === 'high' ? 'medium' : 'low');

/** Decide one scope (overall or a category) and apply the confidence adjustments of docs/verdict.md rule 7. */
function decideScope(input: RecommendInput, category: string | undefined): Scoped {
  const metric = input.primaryMetric;
  const margin = input.equivalenceMargin ?? DEFAULT_EQUIVALENCE_MARGIN;
  const candidates = candidatesFor(input.systems, metric, category, input.workload, { factScore: factScoreFor(input, category) });
  const decision = decide({ candidates, comparisons: input.comparisons, metric, category, margin });
  let confidence = decision.confidence;
  const notes: string[] = [];
  const w = decision.winner;
  if (w?.sloAtRisk) confidence = downgrade(confidence);
  if (w && decision.excludedBetter.length > 0 && confidence === 'high') {
    confidence = 'medium';
    const one = decision.excludedBetter.length === 1;
    notes.push(`${decision.excludedBetter.map((c) => `${c.id} (${c.mean.toFixed(3)})`).join(', ')} ${one ? 'scores' : 'score'} higher but ${one ? 'breaks' : 'break'} a constraint, so confidence is at most medium.`);
  }
  if (w && decision.basis === 'quality') {
    const overtaker = decision.eligible.find((c) => c !== w && c.expected > w.expected);
    if (overtaker) {
      confidence = downgrade(confidence);
      notes.push(
        `Freshness erodes ${w.id}'s lead: after the penalty its expected ${metric} is ${w.expected.toFixed(3)} vs ${overtaker.expected.toFixed(3)} for ${overtaker.id}; the measured difference still decides, with lower confidence.`,
      );
    }
  }
  if (w && category === undefined && input.workload.accuracyTarget !== undefined) {
    const met = w.mean >= input.workload.accuracyTarget;
    notes.push(`${w.id} ${met ? 'reaches' : 'misses'} the ${metric} target of ${input.workload.accuracyTarget} (${w.mean.toFixed(3)}).`);
    if (!met) confidence = downgrade(confidence);
  }
  if (w?.cost?.missingPrices.length && (decision.basis === 'cost' || decision.basis === 'freshness')) confidence = 'low';
  const forgot = w ? input.systems.find((s) => s.id === w.id)?.generalSet : undefined;
  if (forgot?.action === 'lower-confidence') {
    confidence = downgrade(confidence);
    notes.push(`${w!.id} lost ${(-forgot.difference * 100).toFixed(1)} points of general-set ${forgot.metric} against ${forgot.baseSystem} (significant, beyond the ${(forgot.tolerance * 100).toFixed(1)}-point tolerance), so confidence is lowered.`);
  }
  return { decision, candidates, confidence, notes };
}

function reasonsFor(input: RecommendInput, scope: Scoped, category: string | undefined): string[] {
  const { decision: d, candidates } = scope;
  const metric = input.primaryMetric;
  const out: string[] = [];
  const push = (s: string | undefined) => s && out.push(s);
  push(explain.qualityReason(d, metric, input.comparisons, category));
  for (const r of explain.compositeReasons(d, metric)) push(r);
  push(explain.tieReason(d, metric, input.workload, input.comparisons, category));
  for (const r of explain.unresolvedText(d, metric)) push(r);
  for (const r of explain.tradeOff(d, candidates, metric, input.workload)) push(r);
  for (const r of explain.exclusionReasons(candidates)) push(r);
  push(explain.freshnessReason(candidates, metric, input.workload));
  for (const n of scope.notes) push(n);
  push(explain.latencyReason(d.winner, input.workload));
  if (category === undefined && (d.basis === 'quality' || d.basis === 'composite')) push(explain.costReason(d, input.workload));
  return out;
}

export function recommend(input: RecommendInput): Recommendation {
  const overall = decideScope(input, undefined);
  const d = overall.decision;
  const byCategory: Recommendation['byCategory'] = {};
  for (const category of input.categories) byCategory[category] = categoryVerdict(input, category, overall);
  return {
    choice: verdictOf(d),
    systemId: d.winner?.id,
    confidence: overall.confidence,
    headline: explain.headline(d, input.primaryMetric, input.workload),
    reasons: reasonsFor(input, overall, undefined).slice(0, 8),
    byCategory,
    breakEven: (input.breakEven ?? []).map((b) => ({ ...b })),
    whatWouldChange: whatWouldChange(input, d, overall.candidates),
    warnings: collectWarnings(input, overall.candidates),
  };
}

function verdictOf(d: Decision): Verdict {
  return (d.winner?.kind as Verdict | undefined) ?? 'inconclusive';
}

function categoryVerdict(input: RecommendInput, category: string, overall: Scoped): Recommendation['byCategory'][string] {
  const scope = decideScope(input, category);
  const d = scope.decision;
  const reasons = [explain.headline(d, input.primaryMetric, input.workload), ...reasonsFor(input, scope, category)];
  if (!input.comparisons.some((c) => c.category === category && c.metric === input.primaryMetric)) {
    reasons.push(`No per-category comparisons for "${category}": no difference counts as significant and no equivalence is shown.`);
  }
  const o = overall.decision;
  if (d.winner?.id !== o.winner?.id) {
    const overallText = o.winner ? `${o.winner.id} (${o.basis})` : 'inconclusive';
    const here = d.winner ? `${d.winner.id} (${d.basis})` : 'inconclusive';
    reasons.push(
      `This differs from the overall verdict, ${overallText}, because the rules applied to this category's ${d.eligible[0]?.n ?? 0} items alone give ${here}; the overall verdict weighs every category together.`,
    );
  }
  return { choice: verdictOf(d), systemId: d.winner?.id, confidence: scope.confidence, reasons };
}

function collectWarnings(input: RecommendInput, candidates: Candidate[]): string[] {
  const warnings: string[] = [];
  if (!input.comparisons.some((c) => c.metric === input.primaryMetric && c.category === undefined) && candidates.length > 1) {
    warnings.push(`No paired comparisons on ${input.primaryMetric}: no quality difference can be called significant.`);
  }
  for (const s of input.systems) {
    if (!candidates.some((c) => c.id === s.id)) warnings.push(`${s.id} has no ${input.primaryMetric} score and was not considered.`);
    if (s.errors > 0) warnings.push(`${s.id}: ${s.errors} of ${s.items} items failed after retries; they count as wrong answers.`);
    if (!s.cost) warnings.push(`${s.id} has no cost estimate; cost, budget and break-even ignore it.`);
    else if (s.cost.missingPrices.length > 0) warnings.push(`${s.id}'s cost excludes missing prices: ${s.cost.missingPrices.join('; ')}.`);
  }
  for (const s of input.systems) {
    const g = s.generalSet;
    if (g?.forgetting) {
      warnings.push(
        `Risk, forgetting: ${s.id}${g.measuredOn ? ` (its model, ${g.measuredOn})` : ''} scores ${g.mean.toFixed(3)} ${g.metric} on the general set vs ${g.baseMean.toFixed(3)} for ${g.baseSystem} (${(g.difference * 100).toFixed(1)} points, 95% CI [${(g.ci95[0] * 100).toFixed(1)}, ${(g.ci95[1] * 100).toFixed(1)}], p ${g.pValue.toPrecision(2)}): fine-tuning cost it general ability.`,
      );
    }
    const h = s.training?.health;
    if (h?.overfitting && s.kind === 'fine-tuned') warnings.push(`Risk, over-fitting: ${s.id}: ${h.flags.join(' ')}`);
  }
  const clientOnly = candidates.filter((c) => c.latency?.basis === 'client').map((c) => c.id);
  if (input.workload.latencySloMs !== undefined && clientOnly.length > 0) {
    warnings.push(`The SLO is judged on client-measured latency for ${clientOnly.join(', ')} (the run recorded no service latency), which includes network and host time.`);
  }
  const unverified = new Set(input.systems.flatMap((s) => s.cost?.unverifiedPrices ?? []));
  if (unverified.size > 0) warnings.push(`Unverified prices used (check before relying on the cost figures): ${[...unverified].join('; ')}.`);
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
  for (const u of d.unresolved) {
    if (u.evidence?.itemsToSettle) {
      out.push(`About ${u.evidence.itemsToSettle.toLocaleString('en-US')} items would settle ${d.pick!.id} vs ${u.rival.id} (observed difference ${explain.pts(u.evidence.difference)}).`);
    }
  }
  const slo = input.workload.latencySloMs;
  const budget = input.workload.monthlyBudgetUsd;
  const top = Math.max(...d.tier.map((c) => c.mean), -Infinity);
  for (const c of candidates) {
    if (c.failures.length === 0 || c.mean <= top) continue;
    if (slo !== undefined && c.latency && c.failures.some((f) => f.includes('SLO'))) {
      out.push(`${c.id} scores higher; an SLO of ${Math.ceil(c.latency.ci?.[1] ?? c.latency.p95).toLocaleString('en-US')} ms (p95) would let it qualify.`);
    }
    if (budget !== undefined && c.monthlyRunUsd !== undefined && c.monthlyRunUsd > budget) out.push(`${c.id} scores higher; a budget of ${formatUsd(c.monthlyRunUsd)}/month would let it qualify.`);
  }
  if (w && input.workload.accuracyTarget !== undefined && w.mean < input.workload.accuracyTarget) {
    out.push(`Raising ${w.id} to the ${input.primaryMetric} target of ${input.workload.accuracyTarget} (now ${w.mean.toFixed(3)}) would strengthen the verdict.`);
  }
  const runnerUp = d.eligible.filter((c) => c !== w).sort((a, b) => b.mean - a.mean)[0];
  if (w && runnerUp && d.basis === 'quality' && out.length === 0) {
    const cmp = compare(input.comparisons, input.primaryMetric, undefined, w.id, runnerUp.id);
    if (cmp) out.push(`The verdict holds unless ${runnerUp.id} closes a ${explain.pts(cmp.difference)} gap on ${input.primaryMetric}.`);
  }
  return out;
}
