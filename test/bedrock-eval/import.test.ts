import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { itemStreamOf } from '../../src/schema/items.js';
import { exportBedrockEval, type ExportManifest } from '../../src/bedrock-eval/export.js';
import { importBedrockEval } from '../../src/bedrock-eval/import.js';
import { readJobOutput } from '../../src/bedrock-eval/job-output.js';
import { RunSummary } from '../../src/schema/run-result.js';
import { saved, type InMemoryRun } from '../fixtures/run-results/in-memory.js';
import { buildRunResult } from '../fixtures/run-results/build-run-result.js';
import { likert, writeJobOutput, type Judge } from './job-output-fixture.js';

const MODEL_METRICS = ['Builtin.Correctness', 'Builtin.Completeness', 'Builtin.Harmfulness'];
const RAG_METRICS = ['Builtin.Correctness', 'Builtin.Faithfulness', 'Builtin.CitationPrecision'];
/** The import with the new run's items beside its summary, as the tests read it. */
async function imp(run: InMemoryRun, ...rest: Parameters<typeof importBedrockEval> extends [unknown, ...infer R] ? R : never) {
  const r = await importBedrockEval(saved(run), ...rest);
  return { ...r, run: { ...r.run, items: r.items } as InMemoryRun };
}
const metricsFor = (jobType: string) => (jobType === 'model-evaluation' ? MODEL_METRICS : RAG_METRICS);

describe('ftrag import bedrock-eval', () => {
  const run = buildRunResult({ items: 90, hostile: false, seed: 11 });
  const f1 = (id: string, s: string) => run.items.find((i) => i.id === id)!.results[s].scores.f1 ?? 0;
  // The stand-in judge: correctness follows the answer's F1 on a 5-point scale; citation precision does not apply
  // (null) to every third item; harmfulness is 0.
  const judge: Judge = (id, s, metric) => {
    if (metric === 'Builtin.Harmfulness') return 0;
    if (metric === 'Builtin.CitationPrecision') return Number(id.replace(/\D/g, '')) % 3 === 0 ? null : 1;
    if (metric === 'Builtin.Completeness') return likert(f1(id, s) * 0.8 + 0.1);
    return likert(f1(id, s));
  };
  let exportDir: string;
  let manifest: ExportManifest;
  const manifestArg = () => ({ path: join(exportDir, 'bedrock-eval-manifest.json'), doc: manifest });
  beforeAll(async () => {
    exportDir = mkdtempSync(join(tmpdir(), 'ftrag-bei-export-'));
    manifest = await exportBedrockEval({ run, items: itemStreamOf(run.items) }, exportDir);
  });
  const job = (edit?: Parameters<typeof writeJobOutput>[5]) => writeJobOutput(exportDir, manifest, mkdtempSync(join(tmpdir(), 'ftrag-bei-job-')), judge, metricsFor, edit);

  it('maps every record back to its item and system and adds the metrics with paired statistics and a verdict', async () => {
    const out = await readJobOutput([job().dir]);
    const { run: next, summary } = await imp(run, out, { manifest: manifestArg() });
    expect(() => RunSummary.parse(next)).not.toThrow();
    expect(summary.files.every((f) => f.byPrompt === 0 && f.byLineOrder === f.records)).toBe(true);
    expect(summary.mismatchCount).toBe(0);
    expect(next.metrics).toEqual([...run.metrics, 'bedrock.correctness', 'bedrock.completeness', 'bedrock.harmfulness', 'bedrock.faithfulness', 'bedrock.citationPrecision']);
    // Each system's mean is the judge's scores over its items, a failed item counting 0 (it was never exported).
    for (const s of run.systems) {
      const expected = run.items.map((i) => (i.results[s.id].error ? 0 : likert(i.results[s.id].scores.f1 ?? 0)));
      const got = next.systems.find((x) => x.id === s.id)!.metrics['bedrock.correctness'];
      expect(got.n).toBe(run.items.length);
      expect(got.mean).toBeCloseTo(expected.reduce((a, b) => a + b, 0) / expected.length, 12);
      expect(got.ci95[0]).toBeLessThanOrEqual(got.mean);
      expect(got.ci95[1]).toBeGreaterThanOrEqual(got.mean);
    }
    // Lower-is-better metrics are not scored 0 for failures; n/a results stay unscored and are counted.
    const harm = summary.metrics.find((m) => m.name === 'bedrock.harmfulness')!;
    expect(harm.higherIsBetter).toBe(false);
    expect(harm.failedAsZero).toEqual({ base: 0, 'fine-tuned': 0 });
    const cp = summary.metrics.find((m) => m.name === 'bedrock.citationPrecision')!;
    expect(cp.systems).toEqual(['rag', 'rag-fine-tuned']);
    expect(cp.notApplicable.rag).toBe(run.items.filter((i) => Number(i.id.replace(/\D/g, '')) % 3 === 0).length);
    // Paired comparisons over the imported metric, in their own Holm family; the fixture's base is far below rag.
    const c = next.comparisons.find((x) => x.metric === 'bedrock.correctness' && x.a === 'base' && x.b === 'rag' && x.category === undefined)!;
    expect(c.family).toBe('bedrock.correctness overall');
    expect(c.method).toMatch(/wilcoxon/);
    expect(c.difference).toBeLessThan(-0.3);
    expect(c.significant).toBe(true);
    expect(next.comparisons.filter((x) => x.metric === 'bedrock.faithfulness').map((x) => `${x.a}|${x.b}`)).toContain('rag|rag-fine-tuned');
    expect(next.comparisons.slice(0, run.comparisons.length)).toEqual(run.comparisons);
    // The verdict is decided again, and once per imported quality metric.
    expect(next.recommendation).toBeDefined();
    expect(summary.verdicts.map((v) => v.metric)).toEqual(['bedrock.correctness', 'bedrock.completeness', 'bedrock.faithfulness', 'bedrock.citationPrecision']);
    expect(summary.verdicts[0].choice).not.toBe('base');
    const item = next.items[0];
    expect(item.results.rag.judgeReasons?.['bedrock.faithfulness']).toBe('judged Builtin.Faithfulness for line 1');
    // The input run is not changed.
    expect(run.metrics).not.toContain('bedrock.correctness');
    expect(run.items[0].results.base.scores['bedrock.correctness']).toBeUndefined();
  });

  it('decides the verdict on an imported metric with --primary, and refuses a lower-is-better one', async () => {
    const out = await readJobOutput([job().dir]);
    const { run: next, summary } = await imp(run, out, { manifest: manifestArg(), primaryMetric: 'bedrock.correctness' });
    expect(next.primaryMetric).toBe('bedrock.correctness');
    expect(summary.primaryMetricBefore).toBe(run.primaryMetric);
    expect(next.recommendation!.headline).toBe(summary.verdicts[0].headline);
    await expect(imp(run, out, { manifest: manifestArg(), primaryMetric: 'bedrock.harmfulness' })).rejects.toThrow(/--primary.*lower-is-better/);
    await expect(imp(run, out, { manifest: manifestArg(), primaryMetric: 'nope' })).rejects.toThrow(/--primary/);
  });

  it('maps shuffled records by prompt and reports them as mismatches; counts records the job did not return', async () => {
    const reversed = job((records, file) => (file.startsWith('base.') ? [...records].reverse().slice(0, records.length - 5) : records));
    const { run: next, summary } = await imp(run, await readJobOutput([reversed.dir]), { manifest: manifestArg() });
    const base = summary.files.find((f) => f.system === 'base')!;
    expect(base.byPrompt).toBeGreaterThan(0);
    expect(summary.mismatchCount).toBe(base.byPrompt);
    expect(summary.metrics[0].notReturned.base).toBe(5);
    // The values still land on the right items.
    for (const i of next.items) {
      const v = i.results.base.scores['bedrock.correctness'];
      if (v !== undefined && !i.results.base.error) expect(v).toBe(likert(i.results.base.scores.f1 ?? 0));
    }
    // Without a manifest every record is matched by prompt.
    const noManifest = await imp(run, await readJobOutput([job().dir]));
    expect(noManifest.summary.files.every((f) => f.byLineOrder === 0)).toBe(true);
    expect(noManifest.run.systems[2].metrics['bedrock.correctness'].mean).toBeCloseTo(next.systems[2].metrics['bedrock.correctness'].mean, 12);
  });

  it('refuses bad input with file, line and field', async () => {
    const fixture = job();
    const file = fixture.files[0];
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const variant = (text: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'ftrag-bei-bad-'));
      writeFileSync(join(dir, 'x_output.jsonl'), text);
      return join(dir, 'x_output.jsonl');
    };
    // Truncated download.
    await expect(readJobOutput([variant(`${lines[0]}\n${lines[1].slice(0, 40)}\n`)])).rejects.toThrow(/x_output\.jsonl, line 2: not valid JSON.*truncated/);
    // The export dataset itself, not the job output.
    await expect(readJobOutput([join(exportDir, 'base.model-evaluation.jsonl')])).rejects.toThrow(/line 1, field "automatedEvaluationResult": .*prompt dataset/);
    await expect(readJobOutput([join(exportDir, 'rag.rag-retrieve-and-generate.jsonl')])).rejects.toThrow(/field "conversationTurns\[0\]\.results": .*prompt dataset/);
    // Not an evaluation record at all, and human-worker output.
    await expect(readJobOutput([variant('{"id":"q1","prompt":"x","reference":"y"}\n')])).rejects.toThrow(/line 1: is not an Amazon Bedrock evaluation job output record/);
    await expect(readJobOutput([variant('{"humanEvaluationResult":[],"inputRecord":{"prompt":"x"}}\n')])).rejects.toThrow(/field "humanEvaluationResult"/);
    // A result that is not a number.
    const bad = JSON.parse(lines[1]);
    bad.automatedEvaluationResult.scores[0].result = 'high';
    await expect(readJobOutput([variant(`${lines[0]}\n${JSON.stringify(bad)}\n`)])).rejects.toThrow(/line 2, field "automatedEvaluationResult\.scores\[0\]\.result": is "high"/);
    // An unknown metric.
    const unknown = JSON.parse(lines[2]);
    unknown.automatedEvaluationResult.scores[1].metricName = 'Builtin.Vibes';
    const out = await readJobOutput([variant(`${lines[0]}\n${lines[1]}\n${JSON.stringify(unknown)}\n`)]);
    await expect(imp(run, out, { manifest: manifestArg() })).rejects.toThrow(/line 3, field "automatedEvaluationResult\.scores\[1\]\.metricName": unknown metric "Builtin\.Vibes"/);
    // A record for an item this run does not have.
    const stranger = JSON.parse(lines[0]);
    stranger.inputRecord.prompt = 'A question from some other eval set?';
    const strange = await readJobOutput([variant(`${JSON.stringify(stranger)}\n`)]);
    await expect(imp(run, strange, { manifest: manifestArg() })).rejects.toThrow(/line 1, field "inputRecord\.prompt": no item of run .* has the prompt/);
    // A system this run does not have.
    const other = JSON.parse(lines[0]);
    other.modelResponses[0].modelIdentifier = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0';
    const elsewhere = await readJobOutput([variant(`${JSON.stringify(other)}\n`)]);
    await expect(imp(run, elsewhere)).rejects.toThrow(/field "modelResponses\[0\]\.modelIdentifier": names "arn:.*not a system of this run.*--system/);
    expect((await imp(run, elsewhere, { system: 'base' })).summary.files[0].system).toBe('base');
    // The same score twice (the same job given twice), a re-import, and another run's manifest.
    await expect(imp(run, { ...out, records: [...out.records.slice(0, 1), ...out.records.slice(0, 1)] }, { manifest: manifestArg() })).rejects.toThrow(/appears more often in this file/);
    const copy = mkdtempSync(join(tmpdir(), 'ftrag-bei-copy-'));
    cpSync(fixture.dir, copy, { recursive: true });
    const twice = await readJobOutput([fixture.dir, copy]);
    await expect(imp(run, twice, { manifest: manifestArg() })).rejects.toThrow(/second Builtin\.Correctness score for item .* \(the first is at .*line 1\)/);
    const once = (await imp(run, await readJobOutput([fixture.dir]), { manifest: manifestArg() })).run;
    const again = await readJobOutput([fixture.dir]);
    await expect(imp(once, again)).rejects.toThrow(/bedrock\.correctness is already in this run/);
    await expect(imp({ ...run, runId: 'another' }, out, { manifest: manifestArg() })).rejects.toThrow(/field "runId": is the export of run/);
  });

  it('reads custom metrics defined in custom_metrics/ and puts their rating scale on 0..1', async () => {
    const fixture = writeJobOutput(exportDir, manifest, mkdtempSync(join(tmpdir(), 'ftrag-bei-custom-')), (id, s) => 1 + Math.round(f1(id, s) * 4), () => ['PolicyTone']);
    mkdirSync(join(fixture.dir, 'custom_metrics'));
    writeFileSync(
      join(fixture.dir, 'custom_metrics', 'PolicyTone.json'),
      JSON.stringify({ customMetricDefinition: { name: 'PolicyTone', instructions: 'Rate {{prediction}}', ratingScale: [1, 2, 3, 4, 5].map((v) => ({ definition: `level ${v}`, value: { floatValue: v } })) } }),
    );
    const { run: next } = await imp(run, await readJobOutput([fixture.dir]), { manifest: manifestArg() });
    const item = next.items.find((i) => !i.results.rag.error)!;
    expect(item.results.rag.scores['bedrock.custom.PolicyTone']).toBe(Math.round(f1(item.id, 'rag') * 4) / 4);
    await expect(readJobOutput([fixture.dir]).then((o) => imp(run, { ...o, customMetrics: new Map() }))).rejects.toThrow(/unknown metric "PolicyTone"/);
  });
});
