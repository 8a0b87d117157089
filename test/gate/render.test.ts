import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateGate, loadGateRules, renderGateJUnit, renderGateMarkdown, xmlEscape } from '../../src/gate/index.js';
import { buildRun, makeItems } from './fixtures.js';
import { saved } from '../fixtures/run-results/in-memory.js';

describe('xmlEscape', () => {
  it('escapes markup and drops characters XML 1.0 cannot carry', async () => {
    expect(xmlEscape(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    expect(xmlEscape('bell\u0007 tab\t nl\n esc\u001b lone\uD800 pair\uD83D\uDE00')).toBe('bell tab\t nl\n esc lone pair\uD83D\uDE00');
  });
});

describe('renderers', () => {
  const items = makeItems({ n: 60, accuracy: { 'rag|x': 0.9 } });
  const worse = makeItems({ n: 60, accuracy: { 'rag|x': 0.2 } }).map((i, k) =>
    k === 1 ? { ...i, prompt: 'line one\nline | two <b>bold</b> `code` *star*' } : i,
  );
  const reportOf = () => evaluateGate(saved(buildRun(items, { runId: 'b' })), saved(buildRun(worse, { runId: 'c<1>' })), [{ type: 'no-regression' }], { seed: 1 });
  let report: Awaited<ReturnType<typeof reportOf>>;
  beforeAll(async () => {
    report = await reportOf();
  });

  it('JUnit escapes system ids and run ids in attributes', async () => {
    const xml = renderGateJUnit(report);
    expect(xml).toContain('name="rag|x f1"');
    expect(xml).toContain('ftrag gate: b vs c&lt;1&gt;');
    expect(xml).toMatch(/failures="1"/);
    // Every '<' in the document opens a tag we wrote.
    expect(xml.match(/<(?!\/?(testsuites|testsuite|testcase|failure|system-out|skipped)\b|\?xml)/g)).toBeNull();
  });

  it('markdown keeps each table row on one line and neutralises HTML and markdown in prompts', async () => {
    const md = renderGateMarkdown(report);
    const row = md.split('\n').find((l) => l.startsWith('| q0001 '))!;
    expect(row).toBe('| q0001 | style | line one line \\| two &lt;b&gt;bold&lt;/b&gt; \\`code\\` \\*star\\* |');
    expect(md).toContain('`c<1>`');
  });
});

describe('loadGateRules', () => {
  it('reads JSON and bare lists, and names the line and field of a bad rule', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ftrag-rules-'));
    try {
      const json = join(dir, 'g.json');
      await writeFile(json, JSON.stringify({ rules: [{ type: 'floor', metric: 'exact', min: 0.5 }] }));
      expect(await loadGateRules(json)).toEqual([{ type: 'floor', metric: 'exact', min: 0.5 }]);
      const list = join(dir, 'l.yaml');
      await writeFile(list, '- type: error-rate\n  max: 0.1\n');
      expect(await loadGateRules(list)).toEqual([{ type: 'error-rate', max: 0.1 }]);
      const bad = join(dir, 'bad.yaml');
      await writeFile(bad, 'rules:\n  - type: floor\n    min: high\n');
      await expect(loadGateRules(bad)).rejects.toThrow(`${bad}, line 3, field "rules[0].min"`);
      const broken = join(dir, 'broken.yaml');
      await writeFile(broken, 'rules: [\n');
      await expect(loadGateRules(broken)).rejects.toThrow(/not valid YAML\/JSON/);
      await expect(loadGateRules(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read gate rules/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
