import { describe, expect, it } from 'vitest';
import type { GateRule } from '../../src/config/schema.js';
import { defaultGateRules, evaluateGate } from '../../src/gate/index.js';
import { buildRun, makeItems } from './fixtures.js';
import { saved } from '../fixtures/run-results/in-memory.js';

const SYSTEMS = { base: 0.3, rag: 0.8 };
const baselineItems = makeItems({ n: 300, accuracy: SYSTEMS, latencyMs: { base: 400, rag: 900 } });
const baseline = buildRun(baselineItems, { runId: 'run-baseline', costPer1k: { base: 0.2, rag: 0.9 } });

function current(accuracy: Record<string, number>, extra: Partial<Parameters<typeof makeItems>[0]> = {}) {
  return buildRun(makeItems({ n: 300, accuracy, latencyMs: { base: 400, rag: 900 }, ...extra }), { costPer1k: { base: 0.2, rag: 0.9 } });
}

describe('evaluateGate: no-regression', () => {
  it('passes identical runs with the default rules', async () => {
    const same = current(SYSTEMS);
    const report = await evaluateGate(saved(baseline), saved(same), defaultGateRules(same), { seed: 1 });
    expect(report.passed).toBe(true);
    const noReg = report.outcomes.filter((o) => o.type === 'no-regression');
    expect(noReg.map((o) => o.system).sort()).toEqual(['base', 'rag']);
    for (const o of noReg) {
      expect(o.evidence.delta).toBe(0);
      expect(o.evidence.pValue).toBe(1);
    }
    expect(report.flips.every((f) => f.regressed.length === 0 && f.fixed === 0)).toBe(true);
  });

  it('fails a clear regression and names the items that flipped', async () => {
    const worse = current({ base: 0.3, rag: 0.6 });
    const report = await evaluateGate(saved(baseline), saved(worse), defaultGateRules(worse), { seed: 1 });
    expect(report.passed).toBe(false);
    const rag = report.outcomes.find((o) => o.type === 'no-regression' && o.system === 'rag')!;
    expect(rag.passed).toBe(false);
    expect(rag.evidence.delta!).toBeLessThan(-0.1);
    expect(rag.evidence.ci95![1]).toBeLessThan(0);
    expect(rag.evidence.pAdjusted!).toBeLessThan(0.05);
    expect(rag.message).toMatch(/baseline 0\.\d+ -> current 0\.\d+ \(delta -0\.\d+, 95% CI \[-0\.\d+, -0\.\d+\], n=300, Wilcoxon signed-rank p=.*Holm p=.*fails if Holm p < 0.05 and drop >= 0.02/);
    expect(report.outcomes.find((o) => o.type === 'no-regression' && o.system === 'base')!.passed).toBe(true);
    const flips = report.flips.find((f) => f.system === 'rag')!;
    expect(flips.basis).toBe('exact');
    // Shared difficulty: exactly the items with 0.6 <= u < 0.8 flipped.
    const expected = baselineItems.filter((i) => i.results.rag.scores.exact === 1 && worse.items.find((w) => w.id === i.id)!.results.rag.scores.exact === 0);
    expect(flips.regressed.map((i) => i.id)).toEqual(expected.map((i) => i.id));
    expect(flips.regressed.length).toBeGreaterThan(30);
    expect(flips.regressed[0].prompt).toMatch(/^Question number/);
  });

  it('passes a significant but tiny regression below minEffect, and fails it when minEffect is lowered', async () => {
    const big = makeItems({ n: 3000, accuracy: { rag: 0.8 } });
    const slightlyWorse = makeItems({ n: 3000, accuracy: { rag: 0.79 } });
    const b = buildRun(big, { primaryMetric: 'exact' });
    const c = buildRun(slightlyWorse, { primaryMetric: 'exact' });
    const report = await evaluateGate(saved(b), saved(c), defaultGateRules(c), { seed: 1 });
    const o = report.outcomes.find((x) => x.type === 'no-regression')!;
    expect(o.evidence.method).toMatch(/mcnemar/);
    expect(o.evidence.pAdjusted!).toBeLessThan(0.05); // the drop is real...
    expect(-o.evidence.delta!).toBeLessThan(0.02); // ...but smaller than minEffect
    expect(o.passed).toBe(true);
    const strict: GateRule[] = [{ type: 'no-regression', metric: 'exact', minEffect: 0.005 }];
    expect((await evaluateGate(saved(b), saved(c), strict, { seed: 1 })).passed).toBe(false);
  });

  it('applies Holm across the no-regression checks', async () => {
    const worse = current({ base: 0.27, rag: 0.6 });
    const report = await evaluateGate(saved(baseline), saved(worse), [{ type: 'no-regression', metric: 'exact', minEffect: 0 }], { seed: 1 });
    const [p1, p2] = report.outcomes.map((o) => o.evidence.pValue!);
    const adjusted = report.outcomes.map((o) => o.evidence.pAdjusted!);
    expect(Math.min(...adjusted)).toBeCloseTo(Math.min(2 * Math.min(p1, p2), 1), 12);
    expect(Math.max(...adjusted)).toBeCloseTo(Math.min(1, Math.max(2 * Math.min(p1, p2), Math.max(p1, p2))), 12);
  });

  it('checks one category when the rule names it', async () => {
    const items = makeItems({ n: 300, accuracy: SYSTEMS, latencyMs: { base: 400, rag: 900 } }).map((i) => {
      if (i.category === 'style' && i.results.rag.scores.exact === 1 && Number(i.id.slice(1)) % 3 !== 0) {
        return { ...i, results: { ...i.results, rag: { ...i.results.rag, scores: { exact: 0, f1: 0.1 } } } };
      }
      return i;
    });
    const worse = buildRun(items);
    const rules: GateRule[] = [
      { type: 'no-regression', system: 'rag', category: 'lookup' },
      { type: 'no-regression', system: 'rag', category: 'style' },
    ];
    const report = await evaluateGate(saved(baseline), saved(worse), rules, { seed: 1 });
    expect(report.outcomes.map((o) => [o.category, o.passed])).toEqual([
      ['lookup', true],
      ['style', false],
    ]);
    expect(report.outcomes[1].evidence.n).toBe(150);
  });

  it('skips a system the baseline does not have', async () => {
    const withNew = current({ ...SYSTEMS, ft: 0.5 });
    const report = await evaluateGate(saved(baseline), saved(withNew), [{ type: 'no-regression', system: 'ft' }], { seed: 1 });
    expect(report.outcomes[0]).toMatchObject({ passed: true, skipped: true });
    expect(report.passed).toBe(true);
  });

  it('is deterministic for a seed', async () => {
    const worse = current({ base: 0.28, rag: 0.7 });
    const a = await evaluateGate(saved(baseline), saved(worse), defaultGateRules(worse), { seed: 7 });
    const b = await evaluateGate(saved(baseline), saved(worse), defaultGateRules(worse), { seed: 7 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('evaluateGate: floors, latency, cost, error rate', () => {
  const run = current(SYSTEMS, { errorRate: { base: 0.1 } });

  it('floor on the mean, overall and per category', async () => {
    const report = await evaluateGate(saved(baseline), saved(run), [
      { type: 'floor', metric: 'exact', min: 0.5 },
      { type: 'floor', system: 'rag', metric: 'exact', category: 'lookup', min: 0.95 },
    ], { seed: 1 });
    const byKey = Object.fromEntries(report.outcomes.map((o) => [`${o.system}:${o.category ?? ''}`, o]));
    expect(byKey['base:'].passed).toBe(false);
    expect(byKey['base:'].message).toMatch(/floor base exact: current 0\.\d+ \(95% CI \[.*\], n=\d+\) < min 0\.5/);
    expect(byKey['rag:'].passed).toBe(true);
    expect(byKey['rag:lookup'].passed).toBe(false);
    expect(byKey['rag:lookup'].evidence.n).toBe(150);
  });

  it('latency p95 against a max in ms', async () => {
    const report = await evaluateGate(saved(baseline), saved(run), [{ type: 'latency-p95', max: 1000 }], { seed: 1 });
    const byId = Object.fromEntries(report.outcomes.map((o) => [o.system, o]));
    expect(byId.base.passed).toBe(true);
    expect(byId.rag.passed).toBe(false);
    expect(byId.rag.evidence.current).toBe(run.systems.find((s) => s.id === 'rag')!.latencyMs.p95);
    expect(byId.rag.message).toMatch(/latency-p95 rag: client latency, baseline \d+ ms, current \d+ ms \(n=300\) > max 1000 ms/);
  });

  it('cost per 1k queries, and a run without cost cannot pass', async () => {
    const report = await evaluateGate(saved(baseline), saved(run), [{ type: 'cost-per-1k', max: 0.5 }], { seed: 1 });
    expect(report.outcomes.map((o) => [o.system, o.passed])).toEqual([
      ['base', true],
      ['rag', false],
    ]);
    const noCost = buildRun(makeItems({ n: 300, accuracy: SYSTEMS }));
    expect((await evaluateGate(saved(baseline), saved(noCost), [{ type: 'cost-per-1k', system: 'rag', max: 5 }], { seed: 1 })).passed).toBe(false);
  });

  it('error rate = errors / items, overall and per category', async () => {
    const report = await evaluateGate(saved(baseline), saved(run), [{ type: 'error-rate', max: 0.05 }], { seed: 1 });
    const base = report.outcomes.find((o) => o.system === 'base')!;
    expect(base.passed).toBe(false);
    expect(base.evidence.current).toBeCloseTo(run.systems.find((s) => s.id === 'base')!.errors / 300, 12);
    expect(report.outcomes.find((o) => o.system === 'rag')!.passed).toBe(true);
    const perCategory = await evaluateGate(saved(baseline), saved(run), [{ type: 'error-rate', system: 'base', category: 'lookup', max: 0.5 }], { seed: 1 });
    expect(perCategory.outcomes[0]).toMatchObject({ passed: true, category: 'lookup', evidence: { n: 150 } });
  });

  it('rejects rules that name unknown systems, metrics or categories, or lack a threshold', async () => {
    await expect(evaluateGate(saved(baseline), saved(run), [{ type: 'floor', system: 'nope', min: 0.1 }], { seed: 1 })).rejects.toThrow(/rules\[0\]\.system.*not in the current run/);
    await expect(evaluateGate(saved(baseline), saved(run), [{ type: 'floor', metric: 'bleu', min: 0.1 }], { seed: 1 })).rejects.toThrow(/metric "bleu"/);
    await expect(evaluateGate(saved(baseline), saved(run), [{ type: 'error-rate', category: 'poetry', max: 0.1 }], { seed: 1 })).rejects.toThrow(/category "poetry"/);
    await expect(evaluateGate(saved(baseline), saved(run), [{ type: 'latency-p95' }], { seed: 1 })).rejects.toThrow(/rules\[0\]\.max/);
  });

  it('refuses runs on different eval sets, naming both hashes', async () => {
    const other = buildRun(makeItems({ n: 300, accuracy: SYSTEMS }), { sha256: 'b'.repeat(64) });
    await expect(evaluateGate(saved(baseline), saved(other), [], { seed: 1 })).rejects.toThrow(new RegExp(`${'a'.repeat(64)}.*${'b'.repeat(64)}`));
  });
});
