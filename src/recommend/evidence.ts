/**
 * Reads the evidence the verdict weighs (docs/verdict.md): scores on the primary metric (overall or per category),
 * paired comparisons with their equivalence tests and MDEs, each system's hard constraints (latency SLO with its
 * confidence interval, budget, citations) and its freshness penalty.
 */
import { retrievesKnowledgeBase, type WorkloadSpec } from '../config/schema.js';
import { formatUsd } from '../cost/index.js';
import type { Comparison, Percentiles, SystemCost, SystemSummary } from '../schema/run-result.js';

export interface LatencyEvidence {
  p95: number;
  /** Bootstrap 95% CI of p95, when the run recorded one. */
  ci?: [number, number];
  /** Which latency: the service's own (Converse metrics.latencyMs) or the client's wall time. */
  basis: 'service' | 'client';
  n: number;
}

export interface Freshness {
  /** Average share of facts stale over a refresh cycle. */
  staleShare: number;
  /** Months between refreshes (retraining or re-ingestion). */
  cycleMonths: number;
  /** Score on items that depend on facts, weighted by their share of the scope. */
  factScore: number;
  /** Expected loss of the primary metric over the horizon, 0..1. */
  penalty: number;
}

export interface Candidate {
  id: string;
  kind: string;
  mean: number;
  ci95?: [number, number];
  n: number;
  cost?: SystemCost;
  /** Average monthly spend: monthly total plus retraining and re-ingestion spread over the horizon. */
  monthlyRunUsd?: number;
  latency?: LatencyEvidence;
  /** Hard constraints it breaks (SLO with 95% confidence, budget, citations): it cannot be chosen. */
  failures: string[];
  /** Set when the p95 interval straddles the SLO: it qualifies, with lower confidence. */
  sloAtRisk?: string;
  freshness: Freshness;
  /** mean minus the freshness penalty. */
  expected: number;
}

export interface OrientedComparison {
  /** x minus y. */
  difference: number;
  ci95: [number, number];
  significant: boolean;
  pAdjusted: number;
  n: number;
  equivalent: boolean;
  /** 90% TOST interval of x minus y. */
  ci90?: [number, number];
  margin?: number;
  mde?: number | null;
  mdeBasis?: string;
  itemsToSettle?: number;
}

export function averageMonthlyRunUsd(cost: SystemCost, horizonMonths: number): number {
  const recurring = cost.horizonTotalUsd - cost.oneTimeUsd - horizonMonths * cost.monthlyTotalUsd;
  return cost.monthlyTotalUsd + recurring / horizonMonths;
}

export function compare(comparisons: Comparison[], metric: string, category: string | undefined, x: string, y: string): OrientedComparison | undefined {
  for (const c of comparisons) {
    if (c.metric !== metric || (c.category ?? undefined) !== category) continue;
    const flip = c.a === y && c.b === x;
    if (!flip && !(c.a === x && c.b === y)) continue;
    const s = flip ? -1 : 1;
    const orient = (iv: [number, number]): [number, number] => (flip ? [-iv[1], -iv[0]] : [iv[0], iv[1]]);
    return {
      difference: s * c.difference,
      ci95: orient(c.ci95),
      significant: c.significant,
      pAdjusted: c.pAdjusted,
      n: c.n,
      equivalent: c.equivalence?.equivalent ?? false,
      ci90: c.equivalence ? orient(c.equivalence.ci90) : undefined,
      margin: c.equivalence?.margin,
      mde: c.mde?.value,
      mdeBasis: c.mde?.basis,
      itemsToSettle: c.mde?.itemsToSettle,
    };
  }
  return undefined;
}

/** Only a significant comparison in x's disfavour makes x worse than y; absent evidence never does. */
export function significantlyWorse(comparisons: Comparison[], metric: string, category: string | undefined, x: string, y: string): boolean {
  const c = compare(comparisons, metric, category, x, y);
  return !!c && c.significant && c.difference < 0;
}

/** Average share of stale facts over a refresh cycle of T months when a share c changes per month. */
export function averageStaleShare(changePerMonth: number, cycleMonths: number): number {
  const ct = changePerMonth * cycleMonths;
  if (ct <= 0) return 0;
  return ct <= 1 ? ct / 2 : 1 - 1 / (2 * ct);
}

/** How often a kind's knowledge is refreshed: the model by retraining, a Knowledge Base by re-ingestion. */
export function refreshCycleMonths(kind: string, workload: WorkloadSpec): number | undefined {
  if (kind === 'fine-tuned') return workload.retrainEveryMonths ?? workload.horizonMonths;
  if (retrievesKnowledgeBase(kind)) return workload.reingestEveryMonths;
  return undefined;
}

/** Each RAG kind and the kind that answers with the same generator but without retrieval. */
const WITHOUT_RETRIEVAL: Record<string, string> = { rag: 'base', 'rag-fine-tuned': 'fine-tuned' };

/**
 * Whether a scope depends on facts: adding the Knowledge Base to a generator made it significantly better there
 * (rag over base, rag-fine-tuned over fine-tuned). Only then can stale knowledge hurt; a format task does not age.
 */
export function knowledgeBearing(systems: SystemSummary[], comparisons: Comparison[], metric: string, category: string | undefined): boolean {
  const kind = (id: string) => systems.find((s) => s.id === id)?.kind ?? '';
  return comparisons.some((c) => {
    if (c.metric !== metric || (c.category ?? undefined) !== category || !c.significant) return false;
    const [ragId, otherId] = c.difference > 0 ? [c.a, c.b] : [c.b, c.a];
    return WITHOUT_RETRIEVAL[kind(ragId)] === kind(otherId);
  });
}

/** Latency the SLO is judged on: the service's own when the run has it, else the client's wall time. */
export function latencyEvidence(s: SystemSummary): LatencyEvidence | undefined {
  const service = (s as { serviceLatencyMs?: Percentiles }).serviceLatencyMs;
  const use = service && service.n > 0 ? service : s.latencyMs;
  if (!use || use.n === 0) return undefined;
  const ci = (use as { p95Ci95?: [number, number] }).p95Ci95;
  return { p95: use.p95, ...(ci ? { ci: [ci[0], ci[1]] as [number, number] } : {}), basis: use === service ? 'service' : 'client', n: use.n };
}

const msText = (x: number) => `${Math.round(x).toLocaleString('en-US')} ms`;

export function latencyText(l: LatencyEvidence): string {
  const ci = l.ci ? ` (95% CI ${msText(l.ci[0])}-${msText(l.ci[1])})` : '';
  return `${l.basis} p95 ${msText(l.p95)}${ci}`;
}

/** The SLO check: ruled out only when p95 is above the SLO with 95% confidence; a straddling interval is a risk. */
function checkSlo(c: Candidate, slo: number): void {
  const l = c.latency;
  if (!l) return;
  if (l.ci) {
    if (l.ci[0] > slo) c.failures.push(`${latencyText(l)} is above the ${msText(slo)} SLO with 95% confidence`);
    else if (l.ci[1] > slo) c.sloAtRisk = `its ${latencyText(l)} straddles the ${msText(slo)} SLO`;
  } else if (l.p95 > slo) {
    c.failures.push(`${latencyText(l)} exceeds the ${msText(slo)} SLO (no confidence interval recorded)`);
  }
}

export interface CandidateOptions {
  /** The system's score on items that depend on facts, weighted by their share of the scope (0 when none do). */
  factScore: (s: SystemSummary) => number;
}

export function candidatesFor(systems: SystemSummary[], metric: string, category: string | undefined, workload: WorkloadSpec, opts: CandidateOptions): Candidate[] {
  const out: Candidate[] = [];
  for (const s of systems) {
    const m = category === undefined ? s.metrics[metric] : s.byCategory[category]?.metrics[metric];
    if (!m || !Number.isFinite(m.mean)) continue;
    const cycle = refreshCycleMonths(s.kind, workload);
    const staleShare = cycle === undefined ? 0 : averageStaleShare(workload.knowledgeChangePerMonth, cycle);
    const factScore = opts.factScore(s);
    const penalty = staleShare * factScore;
    const c: Candidate = {
      id: s.id,
      kind: s.kind,
      mean: m.mean,
      ci95: m.ci95,
      n: m.n,
      cost: s.cost,
      latency: latencyEvidence(s),
      failures: [],
      freshness: { staleShare, cycleMonths: cycle ?? 0, factScore, penalty },
      expected: m.mean - penalty,
    };
    if (s.cost) c.monthlyRunUsd = averageMonthlyRunUsd(s.cost, workload.horizonMonths);
    if (workload.latencySloMs !== undefined) checkSlo(c, workload.latencySloMs);
    if (workload.monthlyBudgetUsd !== undefined && c.monthlyRunUsd !== undefined && c.monthlyRunUsd > workload.monthlyBudgetUsd) {
      c.failures.push(`costs ${formatUsd(c.monthlyRunUsd)}/month, over the ${formatUsd(workload.monthlyBudgetUsd)} budget`);
    }
    if (workload.citationsRequired && !retrievesKnowledgeBase(s.kind)) c.failures.push('cannot cite sources (citations are required)');
    const g = s.generalSet;
    if (g?.action === 'rule-out') {
      c.failures.push(`lost ${(-g.difference * 100).toFixed(1)} points of general-set ${g.metric} against ${g.baseSystem} (p ${g.pValue.toPrecision(2)}), beyond the ${(g.tolerance * 100).toFixed(1)}-point forgetting tolerance`);
    }
    out.push(c);
  }
  return out;
}
