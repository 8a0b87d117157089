/**
 * Decision quality, end to end: every scenario of scenarios.ts goes through the real pipeline (library runExperiment,
 * embedded emulator, real SDK) and must get the verdict and confidence that are right by construction.
 * Reproduce the table in the note: `npx vitest run test/decision/decision.test.ts` (it prints one line per scenario).
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/schema/run-result.js';
import { runScenario } from './build.js';
import { CASES } from './scenarios.js';

const rows: string[] = [];

function summary(run: RunResult): string {
  const m = run.primaryMetric;
  return run.systems.map((s) => `${s.id} ${s.metrics[m]?.mean.toFixed(3)}`).join(', ');
}

describe('decision quality: scenarios with a verdict right by construction', () => {
  for (const c of CASES) {
    it(`${c.scenario.name}: ${c.expected.choice} (${c.expected.confidence}) because ${c.why}`, async () => {
      const run = await runScenario(c.scenario);
      const rec = run.recommendation!;
      rows.push(`| ${c.scenario.name} | ${c.expected.choice} (${c.expected.confidence}) | ${rec.choice}${rec.systemId && rec.systemId !== rec.choice ? ` (${rec.systemId})` : ''} | ${rec.confidence} | ${summary(run)} |`);
      console.log(`${rows.at(-1)}\n  ${rec.headline}\n  ${rec.reasons.join('\n  ')}`);
      expect(rec.choice).toBe(c.expected.choice);
      expect(rec.confidence).toBe(c.expected.confidence);
      if (c.expected.headline) expect(rec.headline).toMatch(c.expected.headline);
      for (const [id, why] of Object.entries(c.expected.ruledOut ?? {})) {
        expect(rec.reasons.find((r) => r.startsWith(`${id} (`) && r.includes('is ruled out'))).toMatch(why);
      }
      // The headline never names a system the comparisons show to be significantly worse than another qualifying one.
      if (rec.systemId) {
        const worse = run.comparisons.filter((k) => k.metric === run.primaryMetric && k.category === undefined && k.significant && ((k.a === rec.systemId && k.difference < 0) || (k.b === rec.systemId && k.difference > 0)));
        const slo = (run.config as { workload?: { latencySloMs?: number } }).workload?.latencySloMs;
        const ruledOut = (id: string) => rec.reasons.some((r) => r.startsWith(`${id} (`) && r.includes('ruled out'));
        expect(worse.filter((k) => !ruledOut(k.a === rec.systemId ? k.b : k.a)), slo ? `SLO ${slo}` : '').toEqual([]);
      }
    }, 120_000);
  }
});
