import { describe, expect, it } from 'vitest';
import { parseRunResult } from '../../src/schema/read.js';
import { RunResult } from '../../src/schema/run-result.js';
import { buildRunResult, HOSTILE } from '../fixtures/run-results/build-run-result.js';

describe('run-result fixture', () => {
  it('validates against the zod RunResult schema and through readRunResult parsing', () => {
    const run = buildRunResult();
    const parsed = RunResult.safeParse(run);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
    expect(parseRunResult(JSON.parse(JSON.stringify(run))).runId).toBe(run.runId);
  });
  it('has 4 system kinds, 3 categories, ~40 items, loss curves, costs, comparisons and hostile text', () => {
    const run = buildRunResult();
    expect(run.systems.map((s) => s.kind)).toEqual(['base', 'fine-tuned', 'rag', 'rag-fine-tuned']);
    expect(run.evalSet.categories).toHaveLength(3);
    expect(run.items).toHaveLength(40);
    expect(run.systems.find((s) => s.id === 'fine-tuned')?.training?.trainingLoss?.length).toBeGreaterThan(10);
    expect(run.systems.every((s) => s.cost)).toBe(true);
    expect(run.comparisons.some((c) => c.significant)).toBe(true);
    const text = JSON.stringify(run);
    for (const h of Object.values(HOSTILE)) expect(text).toContain(JSON.stringify(h).slice(1, -1));
  });
  it('is deterministic for a seed', () => {
    expect(JSON.stringify(buildRunResult({ seed: 3 }))).toBe(JSON.stringify(buildRunResult({ seed: 3 })));
  });
});
