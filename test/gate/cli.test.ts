import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import gate from '../../src/cli/commands/gate.js';
import { SCHEMA_VERSION } from '../../src/schema/run-result.js';
import { buildRun, makeItems } from './fixtures.js';

let dir: string;
const SYSTEMS = { base: 0.3, rag: 0.8 };

/**
 * Several runs share this folder, and the sidecar's name is fixed, so they are written as schemaVersion 1 files
 * (items inline), which also puts the v1 migration under every gate test here. A newer version is written as given.
 */
async function writeRun(name: string, run: { schemaVersion: number }): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(run.schemaVersion > SCHEMA_VERSION ? run : { ...run, schemaVersion: 1 }));
  return file;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}

let baselineFile: string;
let sameFile: string;
let worseFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ftrag-gate-'));
  const withScript = makeItems({ n: 200, accuracy: { base: 0.3, rag: 0.6 } }).map((i, k) =>
    k === 0 ? { ...i, prompt: 'Is <script>alert("x")</script> & co | safe?' } : i,
  );
  const baselineItems = makeItems({ n: 200, accuracy: SYSTEMS }).map((i, k) => (k === 0 ? { ...i, prompt: withScript[0].prompt } : i));
  // Item 0 must be right in the baseline and wrong now so that its prompt is listed as a flip.
  baselineItems[0].results.rag = { scores: { exact: 1, f1: 1 }, latencyMs: 500 };
  withScript[0].results.rag = { scores: { exact: 0, f1: 0 }, latencyMs: 500 };
  baselineFile = await writeRun('baseline.json', buildRun(baselineItems, { runId: 'base-run' }));
  sameFile = await writeRun('same.json', buildRun(baselineItems, { runId: 'same-run' }));
  worseFile = await writeRun('worse.json', buildRun(withScript, { runId: 'worse-run' }));
});

const stepSummaryBefore = process.env.GITHUB_STEP_SUMMARY;
afterEach(() => {
  vi.restoreAllMocks();
  if (stepSummaryBefore === undefined) delete process.env.GITHUB_STEP_SUMMARY;
  else process.env.GITHUB_STEP_SUMMARY = stepSummaryBefore;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ftrag gate', () => {
  it('exits 0 for identical runs and prints one line per check', async () => {
    const io = capture();
    const code = await gate.run({ baseline: baselineFile, current: sameFile });
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^PASS no-regression base f1: baseline/m);
    expect(io.out()).toMatch(/^PASS error-rate rag: 0\/200 failed/m);
    expect(io.out()).toMatch(/gate passed/);
  });

  it('exits 1 on a clear regression and writes escaped JUnit and markdown', async () => {
    const io = capture();
    const junit = join(dir, 'out', 'junit.xml');
    const markdown = join(dir, 'out', 'gate.md');
    const code = await gate.run({ baseline: baselineFile, current: worseFile, junit, markdown });
    expect(code).toBe(1);
    expect(io.out()).toMatch(/^FAIL no-regression rag f1: baseline .* -> current .*delta -0\.\d+/m);
    expect(io.out()).toMatch(/^FLIP rag: \d+ item\(s\) right -> wrong \(exact\).*q0000/m);

    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toMatch(/<testsuites name="ftrag gate" tests="5" failures="1" skipped="1">/);
    expect(xml.match(/<testcase /g)).toHaveLength(5);
    expect(xml).toMatch(/<testcase classname="ftrag.gate.no-regression" name="rag f1">\n\s+<failure message="no-regression rag f1: baseline/);
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('Is &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co | safe?');

    const md = await readFile(markdown, 'utf8');
    expect(md).toMatch(/^## ftrag gate: ❌ failed \(1 of 5 checks\)/);
    expect(md).toContain('| ❌ | no-regression | rag | f1 | all |');
    expect(md).toContain('### Items that flipped from right to wrong');
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;alert("x")&lt;/script&gt; &amp; co \\| safe?');
  });

  it('appends the markdown to $GITHUB_STEP_SUMMARY', async () => {
    capture();
    const summary = join(dir, 'step-summary.md');
    await writeFile(summary, '# earlier step\n');
    process.env.GITHUB_STEP_SUMMARY = summary;
    expect(await gate.run({ baseline: baselineFile, current: sameFile })).toBe(0);
    const text = await readFile(summary, 'utf8');
    expect(text.startsWith('# earlier step\n## ftrag gate: ✅ passed')).toBe(true);
  });

  it('prints the full report with --json', async () => {
    const io = capture();
    expect(await gate.run({ baseline: baselineFile, current: worseFile, json: true })).toBe(1);
    const report = JSON.parse(io.out());
    expect(report.passed).toBe(false);
    expect(report.seed).toBe(42);
    expect(report.flips.find((f: { system: string }) => f.system === 'rag').regressed[0].id).toBe('q0000');
  });

  it('gives the same output twice (deterministic) and honours --seed', async () => {
    const io = capture();
    await gate.run({ baseline: baselineFile, current: worseFile, json: true });
    await gate.run({ baseline: baselineFile, current: worseFile, json: true });
    const [first, second] = io.out().split(/\n(?=\{)/);
    expect(first.trim()).toBe(second.trim());
    vi.restoreAllMocks();
    const io2 = capture();
    await gate.run({ baseline: baselineFile, current: worseFile, json: true, seed: 5 });
    const reseeded = JSON.parse(io2.out());
    expect(reseeded.seed).toBe(5);
    expect(reseeded.outcomes[1].evidence.ci95).not.toEqual(JSON.parse(first).outcomes[1].evidence.ci95);
  });

  it('reads rules from a YAML file', async () => {
    const io = capture();
    const rules = join(dir, 'gates.yaml');
    await writeFile(rules, 'rules:\n  - type: floor\n    system: rag\n    metric: exact\n    min: 0.9\n');
    expect(await gate.run({ baseline: baselineFile, current: sameFile, rules })).toBe(1);
    expect(io.out()).toMatch(/^FAIL floor rag exact: current 0\.\d+ .* < min 0\.9$/m);
  });

  it('uses the current run\'s config.gate.rules when no --rules is given', async () => {
    const io = capture();
    const withRules = await writeRun(
      'with-rules.json',
      buildRun(makeItems({ n: 200, accuracy: SYSTEMS }), { gateRules: [{ type: 'latency-p95', system: 'base', max: 1 }] }),
    );
    expect(await gate.run({ baseline: baselineFile, current: withRules })).toBe(1);
    expect(io.out()).toMatch(/^FAIL latency-p95 base: .* > max 1 ms$/m);
    expect(io.out()).not.toMatch(/no-regression/);
  });

  it('exits 2 for a bad rules file, naming file, line and field', async () => {
    const io = capture();
    const rules = join(dir, 'bad.yaml');
    await writeFile(rules, 'rules:\n  - type: floor\n    min: 0.5\n  - type: speed\n    max: 3\n');
    expect(await gate.run({ baseline: baselineFile, current: sameFile, rules })).toBe(2);
    expect(io.err()).toContain(`${rules}, line 4, field "rules[1].type"`);
  });

  it('exits 2 for a missing file', async () => {
    const io = capture();
    expect(await gate.run({ baseline: join(dir, 'nope.json'), current: sameFile })).toBe(2);
    expect(io.err()).toMatch(/nope\.json.*cannot read run\.json/);
  });

  it('exits 2 for a newer schemaVersion', async () => {
    const io = capture();
    const newer = await writeRun('newer.json', { ...buildRun(makeItems({ n: 10, accuracy: SYSTEMS })), schemaVersion: SCHEMA_VERSION + 1 });
    expect(await gate.run({ baseline: baselineFile, current: newer })).toBe(2);
    expect(io.err()).toMatch(new RegExp(`schemaVersion ${SCHEMA_VERSION + 1} is newer`));
  });

  it('exits 2 when the eval sets differ, naming both hashes and files', async () => {
    const io = capture();
    const other = await writeRun('other.json', buildRun(makeItems({ n: 200, accuracy: SYSTEMS }), { sha256: 'f'.repeat(64) }));
    expect(await gate.run({ baseline: baselineFile, current: other })).toBe(2);
    expect(io.err()).toContain(`baseline ${baselineFile} used "synthetic" sha256 ${'a'.repeat(64)}`);
    expect(io.err()).toContain(`current ${other} used "synthetic" sha256 ${'f'.repeat(64)}`);
  });
});
