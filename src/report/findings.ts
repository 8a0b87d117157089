/**
 * What every report format says beyond the raw numbers: the warnings a reader must see and the pass/fail checks
 * CI shows. Derived only from the RunSummary so the HTML, markdown and JUnit outputs never disagree.
 */
import type { RunSummary, SystemSummary } from '../schema/run-result.js';
import { count, ms, pct, points, usd } from './format.js';
import { decisionLatency } from './latency-labels.js';

/** The workload part of the resolved config; read defensively because config is an open record in run.json. */
export interface WorkloadView {
  monthlyQueries?: number;
  horizonMonths?: number;
  latencySloMs?: number;
  accuracyTarget?: number;
  monthlyBudgetUsd?: number;
  knowledgeChangePerMonth?: number;
}

export function workloadOf(run: RunSummary): WorkloadView {
  const raw = run.config.workload;
  if (!raw || typeof raw !== 'object') return {};
  const w = raw as Record<string, unknown>;
  const num = (k: string) => (typeof w[k] === 'number' && Number.isFinite(w[k]) ? (w[k] as number) : undefined);
  return {
    monthlyQueries: num('monthlyQueries'),
    horizonMonths: num('horizonMonths'),
    latencySloMs: num('latencySloMs'),
    accuracyTarget: num('accuracyTarget'),
    monthlyBudgetUsd: num('monthlyBudgetUsd'),
    knowledgeChangePerMonth: num('knowledgeChangePerMonth'),
  };
}

export const EMULATOR_BANNER =
  "Answers in this run came from ftrag's local emulator and its small reference model, not from a real foundation model on Amazon Bedrock. Use it to check the pipeline, not to choose a model.";

/**
 * The banner at the top of every report whose answers did not come from Amazon Bedrock: the emulator's, or, when a
 * configured endpoint (config or AWS_ENDPOINT_URL_*) points elsewhere, which client went where and why.
 */
export function endpointBanner(run: RunSummary): string | undefined {
  const elsewhere = run.endpoint.nonAws ?? [];
  if (run.endpoint.kind === 'aws' && elsewhere.length > 0) {
    const where = elsewhere.map((n) => `${n.client} -> ${n.url} (${n.source})`).join('; ');
    return `The config says endpoint aws, but these clients did not talk to AWS: ${where}. ${run.endpoint.emulated ? 'Answers did not come from Amazon Bedrock.' : ''}`.trim();
  }
  return run.endpoint.emulated ? EMULATOR_BANNER : undefined;
}

/** Warnings in the order a reader should see them, de-duplicated. */
export function reportWarnings(run: RunSummary): string[] {
  const out: string[] = [];
  if (run.status === 'partial') out.push('This run is partial: not every item was attempted for every system.');
  const mdd = run.minimumDetectableDifference;
  if (mdd) {
    out.push(`With ${count(mdd.n)} paired items, only ${mdd.metric} differences above about ${points(mdd.value)} can be detected reliably; smaller ones are not evidence either way. ${mdd.note}`);
  }
  if (run.evalSet.size < 100) out.push(`The eval set is small (${count(run.evalSet.size)} items); intervals are wide.`);
  for (const s of run.systems) {
    if (s.errors > 0) out.push(`${s.id}: ${count(s.errors)} of ${count(s.items)} items failed after retries; they count as wrong answers in its scores.`);
  }
  const estimated = run.systems.filter((s) => s.tokens.estimated).map((s) => s.id);
  if (estimated.length) out.push(`Token counts for ${estimated.join(', ')} were estimated with the tokenizer, not reported by the service.`);
  // Only the unverified prices this run's costs used; the catalog's full list is in the methods section.
  const unverified = new Set(run.systems.flatMap((s) => s.cost?.unverifiedPrices ?? []));
  if (unverified.size) out.push(`Unverified prices: ${[...unverified].join('; ')}.`);
  const missing = new Set(run.systems.flatMap((s) => s.cost?.missingPrices ?? []));
  if (missing.size) out.push(`Missing prices (excluded from totals): ${[...missing].join('; ')}.`);
  if (run.contamination && run.contamination.exact + run.contamination.near > 0) {
    out.push(`Contamination: ${count(run.contamination.exact)} exact and ${count(run.contamination.near)} near duplicates of eval items found in the training file.`);
  }
  // The emulator banner already says this; repeating it as a warning only adds noise.
  const saidByBanner = (w: string) => run.endpoint.emulated && /emulat/i.test(w) && /reference model/i.test(w);
  // The verdict lists unverified prices among its own warnings too; they are said once, above.
  const saidAbove = (w: string) => unverified.size > 0 && /^Unverified prices/.test(w);
  for (const w of [...(run.recommendation?.warnings ?? []), ...run.notes]) if (!saidByBanner(w) && !saidAbove(w)) out.push(w);
  const seen = new Set<string>();
  return out.filter((w) => (seen.has(w) ? false : (seen.add(w), true)));
}

export interface Check {
  system: string;
  name: string;
  passed: boolean;
  /** Present when the check could not be evaluated (e.g. the metric is missing). */
  skipped?: string;
  message: string;
}

/** One pass/fail check per system and requirement; only requirements the workload states are checked. */
export function systemChecks(run: RunSummary): Check[] {
  const w = workloadOf(run);
  const checks: Check[] = [];
  for (const s of run.systems) checks.push(...checksFor(run, s, w));
  return checks;
}

function checksFor(run: RunSummary, s: SystemSummary, w: WorkloadView): Check[] {
  const checks: Check[] = [];
  checks.push({
    system: s.id,
    name: `${s.id} errors == 0`,
    passed: s.errors === 0,
    message: `${count(s.errors)} of ${count(s.items)} items failed after retries (${count(s.throttles)} throttled, ${count(s.retries)} retries)`,
  });
  if (w.accuracyTarget !== undefined) {
    const m = s.metrics[run.primaryMetric];
    const name = `${s.id} ${run.primaryMetric} >= accuracyTarget ${pct(w.accuracyTarget)}`;
    if (!m) checks.push({ system: s.id, name, passed: false, skipped: `metric ${run.primaryMetric} was not scored`, message: `metric ${run.primaryMetric} was not scored` });
    else checks.push({ system: s.id, name, passed: m.mean >= w.accuracyTarget, message: `${run.primaryMetric} = ${pct(m.mean)} (95% CI ${pct(m.ci95[0])}–${pct(m.ci95[1])}, n=${m.n}); target ${pct(w.accuracyTarget)}` });
  }
  if (w.latencySloMs !== undefined) {
    const lat = decisionLatency(s);
    checks.push({
      system: s.id,
      name: `${s.id} latency p95 <= SLO ${ms(w.latencySloMs)}`,
      passed: lat.p.n > 0 && lat.p.p95 <= w.latencySloMs,
      message: `${lat.basis} p95 = ${ms(lat.p.p95)} (p50 ${ms(lat.p.p50)}, n=${lat.p.n}); SLO ${ms(w.latencySloMs)}`,
    });
  }
  if (s.generalSet && !s.generalSet.measuredOn) {
    const g = s.generalSet;
    checks.push({
      system: s.id,
      name: `${s.id} general set: no significant loss beyond ${pct(g.tolerance)}`,
      passed: !g.beyondTolerance,
      message: `${g.metric} ${pct(g.mean)} vs ${pct(g.baseMean)} for ${g.baseSystem} (difference ${points(g.difference)}, p ${g.pValue.toPrecision(2)}, n=${g.n})`,
    });
  }
  if (w.monthlyBudgetUsd !== undefined && s.cost) {
    checks.push({
      system: s.id,
      name: `${s.id} monthly cost <= budget ${usd(w.monthlyBudgetUsd)}`,
      passed: s.cost.monthlyTotalUsd <= w.monthlyBudgetUsd,
      message: `monthly total ${usd(s.cost.monthlyTotalUsd)} at ${count(w.monthlyQueries)} queries/month; budget ${usd(w.monthlyBudgetUsd)}`,
    });
  }
  return checks;
}

/** True when an answer counts as wrong in the drill-down filter: failed, or primary metric below 0.5. */
export function isWrong(score: number | null | undefined, failed: boolean): boolean {
  return failed || score === null || score === undefined || score < 0.5;
}
