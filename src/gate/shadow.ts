/**
 * Gate rules for shadow runs (`kind: shadow`): the candidate against production inside one run, so no baseline run
 * is needed. `agreement-floor`: the lower end of the agreement interval (or the mean, with `basis: mean`) must reach
 * `min`. `judge-preference`: fails when the judge prefers production significantly (two-sided sign test below `alpha`
 * with more losses than wins), i.e. the candidate's preference is significantly below 50%; no judge, no pass.
 */
import type { GateRule } from '../config/schema.js';
import type { RunSummary } from '../schema/run-result.js';
import { InputError } from '../util/errors.js';
import { DEFAULT_ALPHA, DEFAULT_MAX_ERROR_RATE } from './rules.js';
import type { GateOutcome } from './types.js';

export const SHADOW_RULES = new Set<GateRule['type']>(['agreement-floor', 'judge-preference']);

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function shadowOf(run: RunSummary, rule: GateRule, index: number): NonNullable<RunSummary['shadow']> {
  if (run.kind !== 'shadow' || !run.shadow) throw new InputError(`a ${rule.type} rule applies to shadow runs (ftrag shadow) only`, { field: `rules[${index}].type` });
  return run.shadow;
}

export function shadowOutcome(rule: GateRule, index: number, run: RunSummary): GateOutcome {
  const s = shadowOf(run, rule, index);
  const system = s.candidate.systemId;
  if (rule.type === 'agreement-floor') {
    const metric = rule.metric ?? s.agreementMetric;
    const a = s.agreement[metric];
    if (!a) throw new InputError(`agreement metric "${metric}" is not in this shadow run (metrics: ${Object.keys(s.agreement).join(', ')})`, { field: `rules[${index}].metric` });
    if (rule.min === undefined) throw new InputError('an agreement-floor rule needs "min" (0..1)', { field: `rules[${index}].min` });
    const low = a.ci95[0];
    const passed = a.n > 0 && low >= rule.min - 1e-12;
    return {
      rule,
      type: rule.type,
      system,
      metric,
      passed,
      message: `agreement-floor ${system} ${metric}: agreement ${pct(a.mean)} (95% CI ${pct(a.ci95[0])}-${pct(a.ci95[1])}, n=${a.n}); fails if the CI's lower end is below ${pct(rule.min)}`,
      evidence: { current: a.mean, ci95: a.ci95, n: a.n, threshold: rule.min, method: a.method ?? 'ci95 lower bound' },
    };
  }
  const alpha = rule.alpha ?? DEFAULT_ALPHA;
  const j = s.judge;
  if (!j || j.n === 0) {
    return { rule, type: rule.type, system, passed: false, message: `judge-preference ${system}: no judged pairs; configure judge.modelId to gate on preference`, evidence: { n: 0 } };
  }
  const worse = j.pValue < alpha && j.losses > j.wins;
  return {
    rule,
    type: rule.type,
    system,
    metric: 'judge_preference',
    passed: !worse,
    message: `judge-preference ${system}: candidate preferred ${j.wins}, production ${j.losses}, ties ${j.ties} (preference ${pct(j.preference.mean)}, sign test p=${Number(j.pValue.toPrecision(2))}); fails if p < ${alpha} with more losses than wins`,
    evidence: { current: j.preference.mean, ci95: j.preference.ci95, pValue: j.pValue, n: j.n, threshold: alpha, method: 'exact sign test, ties dropped' },
  };
}

/** Shadow runs have no baseline verdict or baseline items: replay errors, and the judge when there is one. */
export function defaultShadowRules(run: RunSummary): GateRule[] {
  return [{ type: 'error-rate', system: run.shadow?.candidate.systemId, max: DEFAULT_MAX_ERROR_RATE }, ...(run.shadow?.judge ? [{ type: 'judge-preference' as const, alpha: DEFAULT_ALPHA }] : [])];
}
