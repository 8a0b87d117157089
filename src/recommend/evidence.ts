/**
 * Reads the evidence the verdict weighs: scores on the primary metric (overall or per category), paired
 * comparisons (Holm-corrected), and each system's constraint checks (latency SLO, budget, citations, freshness).
 */
import type { WorkloadSpec } from '../config/schema.js';
import { formatUsd } from '../cost/index.js';
import type { Comparison, SystemCost, SystemSummary } from '../schema/run-result.js';

/** Facts older than this share of the knowledge base at the end of a retraining cycle make a fine-tuned-only model stale. */
export const FRESHNESS_TOLERANCE = 0.05;

export const RAG_KINDS = new Set(['rag', 'rag-fine-tuned']);

export interface Candidate {
  id: string;
  kind: string;
  mean: number;
  ci95?: [number, number];
  n: number;
  cost?: SystemCost;
  /** Average monthly spend: monthly total plus retraining and re-ingestion spread over the horizon. */
  monthlyRunUsd?: number;
  /** Hard constraints it fails (SLO, budget, citations): it cannot be chosen. */
  failures: string[];
  /** Soft penalty (stale knowledge): chosen only when nothing else qualifies. */
  stale?: string;
}

export interface OrientedComparison {
  /** x minus y. */
  difference: number;
  significant: boolean;
  pAdjusted: number;
  n: number;
}

export function averageMonthlyRunUsd(cost: SystemCost, horizonMonths: number): number {
  const recurring = cost.horizonTotalUsd - cost.oneTimeUsd - horizonMonths * cost.monthlyTotalUsd;
  return cost.monthlyTotalUsd + recurring / horizonMonths;
}

export function compare(comparisons: Comparison[], metric: string, category: string | undefined, x: string, y: string): OrientedComparison | undefined {
  for (const c of comparisons) {
    if (c.metric !== metric || (c.category ?? undefined) !== category) continue;
    if (c.a === x && c.b === y) return { difference: c.difference, significant: c.significant, pAdjusted: c.pAdjusted, n: c.n };
    if (c.a === y && c.b === x) return { difference: -c.difference, significant: c.significant, pAdjusted: c.pAdjusted, n: c.n };
  }
  return undefined;
}

/** Only a significant comparison in x's disfavour makes x worse than y; absent evidence never does. */
export function significantlyWorse(comparisons: Comparison[], metric: string, category: string | undefined, x: string, y: string): boolean {
  const c = compare(comparisons, metric, category, x, y);
  return !!c && c.significant && c.difference < 0;
}

export function staleness(workload: WorkloadSpec): number {
  return workload.knowledgeChangePerMonth * (workload.retrainEveryMonths ?? workload.horizonMonths);
}

/** Each RAG kind and the kind that answers with the same generator but without retrieval. */
const WITHOUT_RETRIEVAL: Record<string, string> = { rag: 'base', 'rag-fine-tuned': 'fine-tuned' };

/**
 * Whether retrieval measurably matters in a category: adding the Knowledge Base to a generator made it significantly
 * better there (rag over base, rag-fine-tuned over fine-tuned). Only then can stale knowledge hurt; a format or style
 * task does not go out of date.
 */
export function knowledgeBearing(systems: SystemSummary[], comparisons: Comparison[], metric: string, category: string): boolean {
  const kind = (id: string) => systems.find((s) => s.id === id)?.kind ?? '';
  return comparisons.some((c) => {
    if (c.metric !== metric || c.category !== category || !c.significant) return false;
    const [ragId, otherId] = c.difference > 0 ? [c.a, c.b] : [c.b, c.a];
    return WITHOUT_RETRIEVAL[kind(ragId)] === kind(otherId);
  });
}

export function candidatesFor(
  systems: SystemSummary[],
  metric: string,
  category: string | undefined,
  workload: WorkloadSpec,
  opts: { freshnessMatters?: boolean } = {},
): Candidate[] {
  const out: Candidate[] = [];
  for (const s of systems) {
    const m = category === undefined ? s.metrics[metric] : s.byCategory[category]?.metrics[metric];
    if (!m || !Number.isFinite(m.mean)) continue;
    const c: Candidate = { id: s.id, kind: s.kind, mean: m.mean, ci95: m.ci95, n: m.n, cost: s.cost, failures: [] };
    if (s.cost) c.monthlyRunUsd = averageMonthlyRunUsd(s.cost, workload.horizonMonths);
    if (workload.latencySloMs !== undefined && s.latencyMs.n > 0 && s.latencyMs.p95 > workload.latencySloMs) {
      c.failures.push(`p95 latency ${Math.round(s.latencyMs.p95)} ms exceeds the ${workload.latencySloMs} ms SLO`);
    }
    if (workload.monthlyBudgetUsd !== undefined && c.monthlyRunUsd !== undefined && c.monthlyRunUsd > workload.monthlyBudgetUsd) {
      c.failures.push(`costs ${formatUsd(c.monthlyRunUsd)}/month, over the ${formatUsd(workload.monthlyBudgetUsd)} budget`);
    }
    if (workload.citationsRequired && !RAG_KINDS.has(s.kind)) c.failures.push('cannot cite sources (citations are required)');
    const stale = staleness(workload);
    if (s.kind === 'fine-tuned' && stale > FRESHNESS_TOLERANCE && opts.freshnessMatters !== false) {
      const cadence = workload.retrainEveryMonths ? `retraining every ${workload.retrainEveryMonths} months` : 'no retraining';
      c.stale = `up to ${Math.round(Math.min(1, stale) * 100)}% of facts change before the model is retrained (${Math.round(workload.knowledgeChangePerMonth * 100)}%/month, ${cadence})`;
    }
    out.push(c);
  }
  return out;
}
