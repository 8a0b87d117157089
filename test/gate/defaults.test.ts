import { describe, expect, it } from 'vitest';
import { defaultGateRules, evaluateGate } from '../../src/gate/index.js';
import type { InMemoryRun } from '../fixtures/run-results/in-memory.js';
import { buildRun, makeItems } from './fixtures.js';
import { saved } from '../fixtures/run-results/in-memory.js';

const items = () => makeItems({ n: 200, accuracy: { base: 0.3, rag: 0.8 }, latencyMs: { base: 400, rag: 900 } });

function withSlo(run: InMemoryRun, slo: number): InMemoryRun {
  return { ...run, config: { ...run.config, workload: { latencySloMs: slo } } };
}

function withVerdict(run: InMemoryRun, choice: 'rag' | 'base', category?: { name: string; choice: 'rag' | 'base' }): InMemoryRun {
  const byCategory = category ? { [category.name]: { choice: category.choice, systemId: category.choice, confidence: 'high' as const, reasons: [] } } : {};
  return {
    ...run,
    recommendation: { choice, systemId: choice, confidence: 'high', headline: `Choose ${choice}`, reasons: [], byCategory, breakEven: [], whatWouldChange: [], warnings: [] },
  };
}

describe('gate defaults: the configured SLO and the verdict', () => {
  it('enforces workload.latencySloMs by default', async () => {
    const baseline = withSlo(buildRun(items(), { runId: 'b' }), 600);
    const current = withSlo(buildRun(items(), { runId: 'c' }), 600);
    const rules = defaultGateRules(current);
    expect(rules).toContainEqual({ type: 'latency-p95', max: 600 });
    const report = await evaluateGate(saved(baseline), saved(current), rules, { seed: 1 });
    const rag = report.outcomes.find((o) => o.type === 'latency-p95' && o.system === 'rag')!;
    expect(rag.passed).toBe(false);
    expect(rag.message).toMatch(/max 600 ms/);
    expect(report.outcomes.find((o) => o.type === 'latency-p95' && o.system === 'base')!.passed).toBe(true);
    expect(report.passed).toBe(false);
  });

  it('judges the SLO on service latency when the run records it', async () => {
    const current = withSlo(buildRun(items(), { runId: 'c' }), 600);
    for (const s of current.systems) (s as unknown as { serviceLatencyMs: unknown }).serviceLatencyMs = { p50: 300, p95: 450, p99: 500, mean: 310, n: 200 };
    const report = await evaluateGate(saved(current), saved(current), defaultGateRules(current), { seed: 1 });
    const rag = report.outcomes.find((o) => o.type === 'latency-p95' && o.system === 'rag')!;
    expect(rag.passed).toBe(true);
    expect(rag.message).toMatch(/service latency/);
  });

  it('reports a changed verdict, overall or per category, as a failed check; the same verdict passes', async () => {
    const run = buildRun(items(), { runId: 'b' });
    const same = await evaluateGate(saved(withVerdict(run, 'rag')), saved(withVerdict(run, 'rag')), defaultGateRules(run), { seed: 1 });
    expect(same.outcomes.find((o) => o.type === 'verdict-unchanged')).toMatchObject({ passed: true });
    const flipped = await evaluateGate(saved(withVerdict(run, 'rag')), saved(withVerdict(run, 'base')), defaultGateRules(run), { seed: 1 });
    const v = flipped.outcomes.find((o) => o.type === 'verdict-unchanged')!;
    expect(v.passed).toBe(false);
    expect(v.message).toMatch(/overall rag, high -> base, high/);
    expect(flipped.passed).toBe(false);
    const category = await evaluateGate(saved(withVerdict(run, 'rag', { name: 'facts', choice: 'rag' })), saved(withVerdict(run, 'rag', { name: 'facts', choice: 'base' })), defaultGateRules(run), { seed: 1 });
    expect(category.outcomes.find((o) => o.type === 'verdict-unchanged')!.message).toMatch(/\[facts\] rag, high -> base, high/);
  });
});
