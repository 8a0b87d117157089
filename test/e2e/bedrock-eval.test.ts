import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportManifest } from '../../src/bedrock-eval/export.js';
import { parseRunResult } from '../../src/schema/read.js';
import { loadRun } from '../fixtures/run-results/in-memory.js';
import { likert, writeJobOutput } from '../bedrock-eval/job-output-fixture.js';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('Bedrock Evaluations out and back in, end to end', () => {
  it('demo run -> export -> job output in the documented layout -> import -> report with the imported metrics and paired statistics', async () => {
    const work = tempDir('ftrag-bedrock-eval-e2e-');
    const config = writeDemoConfig(work, (c) => {
      c.systems[0].label = 'Nova Micro, no changes';
    });
    const ran = await runCli(['run', '--config', config, '--out', 'out', '--limit', '48', '--progress', 'none'], { cwd: work });
    expect(ran.code, ran.stderr).toBe(0);
    const runFile = join(work, 'out', 'run.json');
    const before = sha(runFile);
    const run = await loadRun(runFile);

    const exported = await runCli(['export', 'bedrock-eval', runFile], { cwd: work });
    expect(exported.code, exported.stderr).toBe(0);
    const exportDir = join(work, 'out', 'bedrock-eval');
    const manifest = JSON.parse(readFileSync(join(exportDir, 'bedrock-eval-manifest.json'), 'utf8')) as ExportManifest;
    expect(manifest.files.map((f) => f.system)).toEqual(['base', 'fine-tuned', 'rag', 'rag-fine-tuned']);

    // A stand-in judge on the documented 0..1 scale: correctness follows each answer's own F1.
    const f1 = (id: string, s: string) => run.items.find((i) => i.id === id)!.results[s].scores.f1 ?? 0;
    const job = writeJobOutput(exportDir, manifest, join(work, 'eval-output'), (id, s) => likert(f1(id, s)), (t) =>
      t === 'model-evaluation' ? ['Builtin.Correctness', 'Builtin.Completeness'] : ['Builtin.Correctness', 'Builtin.Faithfulness', 'Builtin.CitationCoverage'],
    );

    const imported = await runCli(['import', 'bedrock-eval', job.dir, '--run', join(work, 'out')], { cwd: work });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/Imported 192 records from 4 file\(s\)/);
    expect(imported.stdout).toMatch(/bedrock\.correctness \(Builtin\.Correctness\): base \d/);
    expect(imported.stdout).toMatch(/verdict on bedrock\.correctness: /);
    expect(imported.stdout).toMatch(/verdict on bedrock\.faithfulness: .*\(among rag, rag-fine-tuned only/);
    expect(sha(runFile)).toBe(before);

    const next = parseRunResult(JSON.parse(readFileSync(join(work, 'out', 'with-bedrock-eval', 'run.json'), 'utf8')));
    expect(next.imports?.[0].files.every((f) => f.byLineOrder === f.records)).toBe(true);
    for (const s of next.systems) expect(s.metrics['bedrock.correctness'].n, s.id).toBe(48);
    const cmp = next.comparisons.filter((c) => c.metric === 'bedrock.correctness' && c.category === undefined);
    expect(cmp).toHaveLength(6);
    const html = readFileSync(join(work, 'out', 'with-bedrock-eval', 'report.html'), 'utf8');
    const section = /<section id="imported"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(section).toMatch(/Amazon Bedrock Evaluations metrics/);
    for (const id of ['base', 'fine-tuned', 'rag', 'rag-fine-tuned']) expect(section).toContain(`<span class="sys">${id}</span>`);
    expect(section).toMatch(/bedrock\.faithfulness/);
    expect(section).toMatch(/Paired differences on the imported metrics/);
    expect((section.match(/<tr( class="sig")?><th scope="row">[^<]+ − [^<]+<\/th><td>bedrock\.correctness<\/td>/g) ?? []).length).toBe(6);
    expect(html).toContain('<div class="syslabel">Nova Micro, no changes</div>');
    const md = readFileSync(join(work, 'out', 'with-bedrock-eval', 'report.md'), 'utf8');
    expect(md).toMatch(/## Amazon Bedrock Evaluations metrics/);
    expect(md).toMatch(/\| base \| \d+\.\d% \(/);

    // Bad input through the CLI: exit 2 naming file and line; an import never replaces a run.
    const truncated = job.files[0];
    writeFileSync(truncated, readFileSync(truncated, 'utf8').slice(0, 300));
    const bad = await runCli(['import', 'bedrock-eval', truncated, '--run', runFile, '--out', join(work, 'again')], { cwd: work });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/_output\.jsonl, line 1: not valid JSON/);
    const twice = await runCli(['import', 'bedrock-eval', job.dir, '--run', runFile], { cwd: work });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/an import never replaces a run/);
  }, 300_000);
});
