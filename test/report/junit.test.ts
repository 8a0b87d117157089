import { describe, expect, it } from 'vitest';
import { renderJUnit } from '../../src/report/index.js';
import type { InMemoryRun } from '../fixtures/run-results/in-memory.js';
import { buildRunResult, HOSTILE } from '../fixtures/run-results/build-run-result.js';
import { parseXml, type XmlNode } from './xml.js';

const run = buildRunResult();

function cases(suite: XmlNode): XmlNode[] {
  return suite.children.filter((c) => c.name === 'testcase');
}

describe('renderJUnit', () => {
  it('is well-formed with one testsuite per system and consistent counts', () => {
    const root = parseXml(renderJUnit(run));
    expect(root.name).toBe('testsuites');
    const suites = root.children.filter((c) => c.name === 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(run.systems.map((s) => `ftrag.${s.id}`));
    let tests = 0;
    let failures = 0;
    for (const s of suites) {
      const cs = cases(s);
      const failed = cs.filter((c) => c.children.some((x) => x.name === 'failure')).length;
      expect(Number(s.attrs.tests)).toBe(cs.length);
      expect(Number(s.attrs.failures)).toBe(failed);
      tests += cs.length;
      failures += failed;
    }
    expect(Number(root.attrs.tests)).toBe(tests);
    expect(Number(root.attrs.failures)).toBe(failures);
  });

  it('checks errors, the accuracy target and the latency SLO with the numbers in the message', () => {
    const root = parseXml(renderJUnit(run));
    const byName = new Map(root.children.flatMap((s) => cases(s)).map((c) => [c.attrs.name, c]));
    const failure = (name: string) => byName.get(name)?.children.find((x) => x.name === 'failure');
    expect(byName.has('base errors == 0')).toBe(true);
    expect(failure('base errors == 0')).toBeUndefined();
    expect(failure('rag-fine-tuned errors == 0')?.attrs.message).toContain('1 of 40 items failed');
    // base f1 is 37% against a 60% target; rag-fine-tuned's is 85.5%.
    expect(failure('base f1 >= accuracyTarget 60.0%')?.attrs.message).toMatch(/f1 = 37\.0%/);
    expect(failure('rag-fine-tuned f1 >= accuracyTarget 60.0%')).toBeUndefined();
    // rag's p95 (3.2 s) breaks the 1.5 s SLO; base's does not.
    expect(failure('rag latency p95 <= SLO 1,500\u00a0ms')).toBeDefined();
    expect(failure('base latency p95 <= SLO 1,500\u00a0ms')).toBeUndefined();
  });

  it('only adds target and SLO checks when the workload sets them', () => {
    const bare: InMemoryRun = { ...run, config: { workload: { monthlyQueries: 1000 } } };
    const names = parseXml(renderJUnit(bare)).children.flatMap((s) => cases(s)).map((c) => c.attrs.name);
    expect(names).toEqual(run.systems.map((s) => `${s.id} errors == 0`));
  });

  it('escapes hostile names and messages and stays well-formed', () => {
    const hostile: InMemoryRun = structuredClone(run);
    hostile.config = { ...hostile.config, name: `${HOSTILE.closeScript} & "quotes" \u0001` };
    hostile.systems[0].kind = HOSTILE.img;
    hostile.systems[0].modelId = ']]><x/>';
    const xml = renderJUnit(hostile);
    const root = parseXml(xml);
    expect(root.attrs.name).toContain('</script><script>window.__pwned=1</script> & "quotes" \uFFFD');
    expect(xml).not.toContain('<img');
  });
});
