import { describe, expect, it } from 'vitest';
import { defaultGateRules, evaluateGate } from '../../src/gate/index.js';
import type { GeneralSetResult } from '../../src/schema/run-result.js';
import type { InMemoryRun } from '../fixtures/run-results/in-memory.js';
import { buildRun, makeItems } from './fixtures.js';
import { saved } from '../fixtures/run-results/in-memory.js';

const items = makeItems({ n: 100, accuracy: { base: 0.3, tuned: 0.7 }, latencyMs: { base: 400, tuned: 420 } });

function general(difference: number, pValue: number): GeneralSetResult {
  const forgetting = pValue < 0.05 && difference < 0;
  return {
    metric: 'f1', n: 301, mean: 0.245 + difference, baseSystem: 'base', baseMean: 0.245, difference, ci95: [difference - 0.015, difference + 0.015],
    pValue, method: 'wilcoxon-signed-rank', significant: pValue < 0.05, forgetting, beyondTolerance: forgetting && -difference > 0.02, tolerance: 0.02,
    action: forgetting && -difference > 0.02 ? 'lower-confidence' : 'none',
  };
}

function withGeneral(run: InMemoryRun, g: GeneralSetResult | undefined): InMemoryRun {
  return { ...run, systems: run.systems.map((s) => (s.id === 'tuned' && g ? { ...s, generalSet: g } : s)) };
}

const baseline = withGeneral(buildRun(items, { runId: 'run-baseline' }), general(0, 1));

describe('gate: forgetting', () => {
  it('is a default rule once the run measured a general set, and passes a retrain that kept its general ability', async () => {
    const current = withGeneral(buildRun(items), general(-0.004, 0.4));
    const rules = defaultGateRules(current);
    expect(rules.some((r) => r.type === 'forgetting')).toBe(true);
    const report = await evaluateGate(saved(baseline), saved(current), rules, { seed: 1 });
    const o = report.outcomes.find((x) => x.type === 'forgetting')!;
    expect(o).toMatchObject({ system: 'tuned', passed: true });
    expect(o.message).toMatch(/general-set f1 0\.241 vs 0\.245 for base \(delta -0\.004.*baseline run: \+?0\.000.*fails if p < 0\.05 and loss > 0\.02$/);
  });

  it('fails a retrain that lost general ability significantly beyond the tolerance', async () => {
    const current = withGeneral(buildRun(items), general(-0.027, 0.003));
    const report = await evaluateGate(saved(baseline), saved(current), [{ type: 'forgetting' }], { seed: 1 });
    expect(report.passed).toBe(false);
    expect(report.outcomes[0]).toMatchObject({ system: 'tuned', passed: false, evidence: { delta: -0.027, pValue: 0.003, threshold: 0.02 } });
    // A looser max lets the same loss pass.
    expect((await evaluateGate(saved(baseline), saved(current), [{ type: 'forgetting', max: 0.05 }], { seed: 1 })).passed).toBe(true);
  });

  it('fails, saying why, when the named system has no general-set result', async () => {
    const current = buildRun(items);
    expect(defaultGateRules(current).some((r) => r.type === 'forgetting')).toBe(false);
    const report = await evaluateGate(saved(baseline), saved(current), [{ type: 'forgetting', system: 'tuned' }], { seed: 1 });
    expect(report.outcomes[0].passed).toBe(false);
    expect(report.outcomes[0].message).toMatch(/no general-set result/);
  });
});
