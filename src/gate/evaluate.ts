/**
 * Gate evaluation: baseline run vs current run, rule by rule. Pure and deterministic for a seed.
 * The no-regression rule is built so that noise never fails a build: it fails only when the paired test is
 * significant after Holm correction across all no-regression tests of the gate AND the mean drop is at least
 * minEffect.
 */
import type { GateRule } from '../config/schema.js';
import type { RunWithItems } from '../schema/items.js';
import type { RunSummary, SystemSummary } from '../schema/run-result.js';
import { comparePaired, deriveSeed, holm, isBinaryValues, percentiles } from '../stats/index.js';
import { InputError } from '../util/errors.js';
import { findFlips } from './flips.js';
import { collectGateItems, type GateItem } from './items.js';
import { SHADOW_RULES, shadowOutcome } from './shadow.js';
import { DEFAULT_ALPHA, DEFAULT_MIN_EFFECT } from './rules.js';
import type { GateOutcome, GateReport } from './types.js';

export interface EvaluateGateOptions {
  /** Seed for the bootstrap; the CLI defaults it to the current run's seed. */
  seed: number;
  resamples?: number;
}

const fmt = (x: number | undefined, digits = 3) => (x === undefined || !Number.isFinite(x) ? 'n/a' : Number(x.toFixed(digits)).toString());
const fmtP = (p: number) => (p < 0.0001 ? p.toExponential(1) : Number(p.toPrecision(2)).toString());
const signed = (x: number, digits = 3) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(Object.is(x, -0) ? 0 : x).toFixed(digits)}` : 'n/a');

function label(type: string, system: string, metric: string | undefined, category: string | undefined): string {
  return [type, system, metric, category !== undefined ? `[${category}]` : undefined].filter(Boolean).join(' ');
}

/** Refuse to compare runs on different held-out sets: the comparison would be meaningless. */
export function assertSameEvalSet(baseline: RunSummary, current: RunSummary, files?: { baseline: string; current: string }): void {
  if (baseline.evalSet.sha256 === current.evalSet.sha256) return;
  const b = files?.baseline ?? `run ${baseline.runId}`;
  const c = files?.current ?? `run ${current.runId}`;
  throw new InputError(
    `eval sets differ: baseline ${b} used "${baseline.evalSet.name}" sha256 ${baseline.evalSet.sha256}, ` +
      `current ${c} used "${current.evalSet.name}" sha256 ${current.evalSet.sha256}; a gate compares runs on the same held-out set`,
    { field: 'evalSet.sha256' },
  );
}

interface Context {
  baseline: RunSummary;
  current: RunSummary;
  baselineItems: GateItem[];
  currentItems: GateItem[];
  baselineById: Map<string, GateItem>;
  options: EvaluateGateOptions;
}

function requireNumber(rule: GateRule, index: number, key: 'min' | 'max'): number {
  const value = rule[key];
  if (value === undefined) throw new InputError(`a ${rule.type} rule needs "${key}"`, { field: `rules[${index}].${key}` });
  return value;
}

function systemsFor(rule: GateRule, index: number, ctx: Context): SystemSummary[] {
  if (rule.type === 'verdict-unchanged') return ctx.current.systems.slice(0, 1);
  if (rule.type === 'forgetting' && rule.system === undefined) {
    const measured = ctx.current.systems.filter((s) => s.generalSet);
    return measured.length ? measured : ctx.current.systems.slice(0, 1);
  }
  if (rule.system === undefined) {
    if (rule.type !== 'no-regression') return ctx.current.systems;
    const inBaseline = new Set(ctx.baseline.systems.map((s) => s.id));
    return ctx.current.systems.filter((s) => inBaseline.has(s.id));
  }
  const found = ctx.current.systems.find((s) => s.id === rule.system);
  if (!found) {
    const known = ctx.current.systems.map((s) => s.id).join(', ');
    throw new InputError(`system "${rule.system}" is not in the current run (systems: ${known})`, { field: `rules[${index}].system` });
  }
  return [found];
}

function checkRuleTargets(rule: GateRule, index: number, ctx: Context): string | undefined {
  if (rule.category !== undefined && !ctx.current.evalSet.categories.includes(rule.category)) {
    throw new InputError(`category "${rule.category}" is not in the eval set (categories: ${ctx.current.evalSet.categories.join(', ') || 'none'})`, {
      field: `rules[${index}].category`,
    });
  }
  if (rule.type !== 'floor' && rule.type !== 'no-regression') return undefined;
  const metric = rule.metric ?? ctx.current.primaryMetric;
  if (!ctx.current.metrics.includes(metric)) {
    throw new InputError(`metric "${metric}" was not scored in the current run (metrics: ${ctx.current.metrics.join(', ')})`, {
      field: `rules[${index}].metric`,
    });
  }
  return metric;
}

function inCategory(item: GateItem, category: string | undefined): boolean {
  return category === undefined || item.category === category;
}

function floorOutcome(rule: GateRule, index: number, system: SystemSummary, metric: string): GateOutcome {
  const min = requireNumber(rule, index, 'min');
  const summary = rule.category !== undefined ? system.byCategory[rule.category]?.metrics[metric] : system.metrics[metric];
  const base = { rule, type: rule.type, system: system.id, metric, category: rule.category };
  const name = label('floor', system.id, metric, rule.category);
  if (!summary || summary.n === 0) {
    return { ...base, passed: false, message: `${name}: no scored items; min ${fmt(min)}`, evidence: { threshold: min, n: 0 } };
  }
  const passed = summary.mean >= min;
  return {
    ...base,
    passed,
    message: `${name}: current ${fmt(summary.mean)} (95% CI [${fmt(summary.ci95[0])}, ${fmt(summary.ci95[1])}], n=${summary.n}) ${passed ? '>=' : '<'} min ${fmt(min)}`,
    evidence: { current: summary.mean, ci95: summary.ci95, n: summary.n, threshold: min },
  };
}

/** Paired values of one system on one metric: current vs baseline, items matched by id. */
function pairedScores(ctx: Context, system: string, metric: string, category: string | undefined): [number[], number[]] {
  const now: number[] = [];
  const before: number[] = [];
  for (const item of ctx.currentItems) {
    if (!inCategory(item, category)) continue;
    const cur = item.results[system]?.scores[metric];
    const base = ctx.baselineById.get(item.id)?.results[system]?.scores[metric];
    if (typeof cur === 'number' && typeof base === 'number') {
      now.push(cur);
      before.push(base);
    }
  }
  return [now, before];
}

function latencyOutcome(rule: GateRule, index: number, system: SystemSummary, ctx: Context): GateOutcome {
  const max = requireNumber(rule, index, 'max');
  // The service's own latency when the run recorded it (what the SLO is about), else the client's wall time.
  const useService = hasServiceLatency(ctx.current, system.id);
  const basis = useService ? 'service' : 'client';
  const p95Of = (items: GateItem[], summary: SystemSummary | undefined) => {
    if (rule.category === undefined) return useService ? serviceLatencyOf(summary) : summary?.latencyMs;
    const result = (i: GateItem) => i.results[system.id];
    return percentiles(items.filter((i) => inCategory(i, rule.category)).map((i) => (useService ? result(i)?.serviceLatencyMs : result(i)?.latencyMs)));
  };
  const now = p95Of(ctx.currentItems, system);
  const before = p95Of(ctx.baselineItems, ctx.baseline.systems.find((s) => s.id === system.id));
  const base = { rule, type: rule.type, system: system.id, metric: 'latency_p95', category: rule.category };
  const name = label('latency-p95', system.id, undefined, rule.category);
  if (!now || now.n === 0) return { ...base, passed: false, message: `${name}: no latency measured; max ${fmt(max, 0)} ms`, evidence: { threshold: max, n: 0 } };
  const passed = now.p95 <= max;
  const baselineText = before && before.n > 0 ? `baseline ${fmt(before.p95, 0)} ms, ` : '';
  return {
    ...base,
    passed,
    message: `${name}: ${basis} latency, ${baselineText}current ${fmt(now.p95, 0)} ms (n=${now.n}) ${passed ? '<=' : '>'} max ${fmt(max, 0)} ms`,
    evidence: { baseline: before && before.n > 0 ? before.p95 : undefined, current: now.p95, n: now.n, threshold: max, method: `${basis} latency p95` },
  };
}

function costOutcome(rule: GateRule, index: number, system: SystemSummary, ctx: Context): GateOutcome {
  const max = requireNumber(rule, index, 'max');
  const base = { rule, type: rule.type, system: system.id, metric: 'cost_per_1k_usd', category: rule.category };
  const name = label('cost-per-1k', system.id, undefined, undefined);
  const cost = system.cost?.per1kQueriesUsd;
  if (cost === undefined) {
    return { ...base, passed: false, message: `${name}: the run has no cost for this system; max $${fmt(max, 4)}`, evidence: { threshold: max } };
  }
  const before = ctx.baseline.systems.find((s) => s.id === system.id)?.cost?.per1kQueriesUsd;
  const passed = cost <= max;
  const note = rule.category !== undefined ? ' (cost is per system; category ignored)' : '';
  return {
    ...base,
    passed,
    message: `${name}: ${before !== undefined ? `baseline $${fmt(before, 4)}, ` : ''}current $${fmt(cost, 4)} per 1k queries ${passed ? '<=' : '>'} max $${fmt(max, 4)}${note}`,
    evidence: { baseline: before, current: cost, threshold: max },
  };
}

function errorRateOutcome(rule: GateRule, index: number, system: SystemSummary, ctx: Context): GateOutcome {
  const max = requireNumber(rule, index, 'max');
  let attempted = system.items;
  let errors = system.errors;
  if (rule.category !== undefined) {
    const results = ctx.currentItems.filter((i) => inCategory(i, rule.category)).map((i) => i.results[system.id]).filter(Boolean);
    attempted = results.length;
    errors = results.filter((r) => r?.failed).length;
  }
  const base = { rule, type: rule.type, system: system.id, category: rule.category };
  const name = label('error-rate', system.id, undefined, rule.category);
  if (attempted === 0) return { ...base, passed: false, message: `${name}: no items attempted; max ${fmt(max)}`, evidence: { threshold: max, n: 0 } };
  const rate = errors / attempted;
  const passed = rate <= max;
  return {
    ...base,
    passed,
    message: `${name}: ${errors}/${attempted} failed = ${fmt(rate)} ${passed ? '<=' : '>'} max ${fmt(max)}`,
    evidence: { current: rate, n: attempted, threshold: max },
  };
}

/**
 * Evaluate every rule (expanded per system) and list the items that flipped from right to wrong. Each run's items are
 * read in one pass and only the fields the rules use are kept (see ./items.ts).
 */
export async function evaluateGate(baselineRun: RunWithItems, currentRun: RunWithItems, rules: readonly GateRule[], options: EvaluateGateOptions): Promise<GateReport> {
  const { run: baseline } = baselineRun;
  const { run: current } = currentRun;
  assertSameEvalSet(baseline, current);
  const currentItems = await collectGateItems(currentRun.items);
  const baselineItems = baselineRun.items === currentRun.items ? currentItems : await collectGateItems(baselineRun.items);
  const ctx: Context = { baseline, current, baselineItems, currentItems, baselineById: new Map(baselineItems.map((i) => [i.id, i])), options };
  const outcomes: GateOutcome[] = [];
  // No-regression tests are collected first so that Holm can adjust them as one family.
  const pending: { outcome: GateOutcome; pValue: number; drop: number; minEffect: number; alpha: number; summary: string }[] = [];

  rules.forEach((rule, index) => {
    if (SHADOW_RULES.has(rule.type)) return void outcomes.push(shadowOutcome(rule, index, current));
    const metric = checkRuleTargets(rule, index, ctx);
    for (const system of systemsFor(rule, index, ctx)) {
      if (rule.type === 'floor') outcomes.push(floorOutcome(rule, index, system, metric!));
      else if (rule.type === 'latency-p95') outcomes.push(latencyOutcome(rule, index, system, ctx));
      else if (rule.type === 'cost-per-1k') outcomes.push(costOutcome(rule, index, system, ctx));
      else if (rule.type === 'error-rate') outcomes.push(errorRateOutcome(rule, index, system, ctx));
      else if (rule.type === 'forgetting') outcomes.push(forgettingOutcome(rule, system, ctx));
      else if (rule.type === 'verdict-unchanged') {
        if (system === ctx.current.systems[0]) outcomes.push(verdictOutcome(rule, ctx));
      }
      else {
        const outcome = noRegressionOutcome(rule, system.id, metric!, ctx, pending);
        outcomes.push(outcome);
      }
    }
  });

  const adjusted = holm(pending.map((p) => p.pValue));
  pending.forEach((p, k) => {
    const pAdjusted = adjusted[k];
    // The epsilon keeps a drop of exactly minEffect (e.g. 0.70 -> 0.68) from escaping by float rounding.
    const failed = pAdjusted < p.alpha && p.drop >= p.minEffect - 1e-12;
    p.outcome.passed = !failed;
    p.outcome.evidence.pAdjusted = pAdjusted;
    p.outcome.message = `${p.summary}, Holm p=${fmtP(pAdjusted)}); fails if Holm p < ${p.alpha} and drop >= ${p.minEffect}`;
  });

  return {
    passed: outcomes.every((o) => o.passed),
    seed: options.seed,
    baseline: { runId: baseline.runId, createdAt: baseline.createdAt },
    current: { runId: current.runId, createdAt: current.createdAt },
    evalSet: { name: current.evalSet.name, sha256: current.evalSet.sha256, size: current.evalSet.size },
    outcomes,
    flips: findFlips(ctx.baselineById, currentItems, baseline, current),
  };
}

function noRegressionOutcome(
  rule: GateRule,
  system: string,
  metric: string,
  ctx: Context,
  pending: { outcome: GateOutcome; pValue: number; drop: number; minEffect: number; alpha: number; summary: string }[],
): GateOutcome {
  const minEffect = rule.minEffect ?? DEFAULT_MIN_EFFECT;
  const alpha = rule.alpha ?? DEFAULT_ALPHA;
  const base = { rule, type: rule.type, system, metric, category: rule.category };
  const name = label('no-regression', system, metric, rule.category);
  if (!ctx.baseline.systems.some((s) => s.id === system)) {
    return { ...base, passed: true, skipped: true, message: `${name}: skipped, the baseline has no system "${system}"`, evidence: {} };
  }
  if (!ctx.baseline.metrics.includes(metric)) {
    return { ...base, passed: true, skipped: true, message: `${name}: skipped, the baseline did not score "${metric}"`, evidence: {} };
  }
  const [now, before] = pairedScores(ctx, system, metric, rule.category);
  if (now.length === 0) {
    return { ...base, passed: true, skipped: true, message: `${name}: skipped, no item was scored in both runs`, evidence: { n: 0 } };
  }
  const kind = isBinaryValues(now) && isBinaryValues(before) ? 'binary' : 'continuous';
  const seed = deriveSeed(ctx.options.seed, `gate|${system}|${metric}|${rule.category ?? ''}`);
  const c = comparePaired(now, before, { kind, seed, resamples: ctx.options.resamples });
  const test = kind === 'binary' ? 'McNemar exact' : 'Wilcoxon signed-rank';
  const outcome: GateOutcome = {
    ...base,
    passed: true,
    message: '',
    evidence: {
      baseline: c.meanB,
      current: c.meanA,
      delta: c.difference,
      ci95: c.ci95,
      pValue: c.pValue,
      n: c.n,
      threshold: minEffect,
      method: c.method,
    },
  };
  const summary =
    `${name}: baseline ${fmt(c.meanB)} -> current ${fmt(c.meanA)} (delta ${signed(c.difference)}, ` +
    `95% CI [${signed(c.ci95[0])}, ${signed(c.ci95[1])}], n=${c.n}, ${test} p=${fmtP(c.pValue)}`;
  pending.push({ outcome, pValue: c.pValue, drop: -c.difference, minEffect, alpha, summary });
  return outcome;
}

/**
 * Forgetting after a retrain: the current run's fine-tuned model against the base model on the general set (paired,
 * measured in the run). Fails on a significant loss (p < alpha, default 0.05) larger than `max` (default the run's
 * generalSet.tolerance). A system with no general-set result fails: the rule cannot be checked without one.
 */
function forgettingOutcome(rule: GateRule, system: SystemSummary, ctx: Context): GateOutcome {
  const g = system.generalSet;
  const base = { rule, type: rule.type, system: system.id, metric: g?.metric };
  if (!g) {
    return { ...base, passed: false, message: `forgetting ${system.id}: the current run has no general-set result for it (set generalSet in the config and fine-tune it)`, evidence: {} };
  }
  const alpha = rule.alpha ?? 0.05;
  const max = rule.max ?? g.tolerance;
  const loss = -g.difference;
  const passed = !(g.pValue < alpha && loss > max + 1e-12);
  const before = ctx.baseline.systems.find((s) => s.id === system.id)?.generalSet;
  const trend = before ? `; baseline run: ${signed(before.difference)} (p=${fmtP(before.pValue)})` : '';
  return {
    ...base,
    passed,
    message:
      `forgetting ${system.id}: general-set ${g.metric} ${fmt(g.mean)} vs ${fmt(g.baseMean)} for ${g.baseSystem} (delta ${signed(g.difference)}, ` +
      `95% CI [${signed(g.ci95[0])}, ${signed(g.ci95[1])}], n=${g.n}, p=${fmtP(g.pValue)})${trend}; fails if p < ${alpha} and loss > ${fmt(max)}`,
    evidence: { baseline: g.baseMean, current: g.mean, delta: g.difference, ci95: g.ci95, pValue: g.pValue, n: g.n, threshold: max, method: g.method },
  };
}

type WithService = { serviceLatencyMs?: unknown };

function hasServiceLatency(run: RunSummary, systemId: string): boolean {
  const s = run.systems.find((x) => x.id === systemId) as (SystemSummary & WithService) | undefined;
  const p = s?.serviceLatencyMs as { n?: number } | undefined;
  return !!p && (p.n ?? 0) > 0;
}

function serviceLatencyOf(summary: SystemSummary | undefined): SystemSummary['latencyMs'] | undefined {
  return (summary as (SystemSummary & WithService) | undefined)?.serviceLatencyMs as SystemSummary['latencyMs'] | undefined;
}

function verdictText(v: { choice: string; systemId?: string; confidence: string } | undefined): string {
  return v ? `${v.choice}${v.systemId && v.systemId !== v.choice ? ` (${v.systemId})` : ''}, ${v.confidence}` : 'none';
}

/** A changed verdict (overall, or in a category both runs have) is a finding: it fails the check and names the change. */
function verdictOutcome(rule: GateRule, ctx: Context): GateOutcome {
  const before = ctx.baseline.recommendation;
  const now = ctx.current.recommendation;
  const base = { rule, type: rule.type, system: 'verdict' };
  if (!before || !now) {
    return { ...base, passed: true, skipped: true, message: `verdict-unchanged: skipped, ${!before ? 'the baseline' : 'the current run'} has no verdict`, evidence: {} };
  }
  const same = (a: { choice: string; systemId?: string }, b: { choice: string; systemId?: string }) => a.choice === b.choice && a.systemId === b.systemId;
  const changes: string[] = [];
  if (!same(before, now)) changes.push(`overall ${verdictText(before)} -> ${verdictText(now)}`);
  for (const [category, v] of Object.entries(now.byCategory)) {
    const b = before.byCategory[category];
    if (b && !same(b, v)) changes.push(`[${category}] ${verdictText(b)} -> ${verdictText(v)}`);
  }
  const passed = changes.length === 0;
  return {
    ...base,
    passed,
    message: passed
      ? `verdict-unchanged: ${verdictText(now)} in both runs${Object.keys(now.byCategory).length ? ', and in every category' : ''}`
      : `verdict-unchanged: the verdict changed: ${changes.join('; ')}. Current headline: ${now.headline}`,
    evidence: {},
  };
}
