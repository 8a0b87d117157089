/**
 * The "done when", end to end through the built CLI: the bundled demo (its config naming S3 Vectors) prices
 * rag on S3 Vectors with OpenSearch Serverless beside it; `prices import` turns Price List files into a catalog;
 * re-pricing the saved demo run with a changed catalog reports the verdict change without calling any model.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/schema/run-result.js';
import { DEMO, REPO, runCli, tempDir } from '../e2e/cli.js';

const FIXTURES = join(REPO, 'test', 'fixtures', 'price-list');

describe('demo on S3 Vectors, Price List import and re-pricing a saved run', () => {
  let work: string;
  let outDir: string;
  let run: RunResult;

  beforeAll(async () => {
    work = tempDir('ftrag-prices-');
    outDir = join(work, 'out');
    const result = await runCli(['run', '--config', join(DEMO, 'experiment.yaml'), '--out', outDir, '--progress', 'none'], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    run = JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8'));
  }, 240_000);

  it('prices rag on S3 Vectors (storage, writes, queries) and shows OpenSearch Serverless beside it', () => {
    const rag = run.systems.find((s) => s.id === 'rag')!;
    const items = rag.cost!.lines.filter((l) => l.item.startsWith('vector store')).map((l) => l.item);
    expect(items).toEqual(expect.arrayContaining(['vector store storage', 'vector store writes', 'vector store queries']));
    expect(rag.cost!.lines.every((l) => !l.item.startsWith('vector store') || l.basis.startsWith('S3 Vectors'))).toBe(true);
    expect(run.vectorStores!.configured).toBe('s3-vectors');
    expect(run.vectorStores!.assumed).toBe(false);
    const oss = run.vectorStores!.stores.find((s) => s.type === 'opensearch-serverless')!;
    const s3 = run.vectorStores!.stores.find((s) => s.type === 's3-vectors')!;
    expect(oss.systems.find((x) => x.id === 'rag')!.vectorStoreMonthlyUsd).toBeCloseTo(2 * 0.24 * 744, 2);
    // The demo's $50 budget rules out a $357/month collection, so on OpenSearch Serverless the verdict moves.
    expect(oss.verdictChanged).toBe(true);
    expect(s3.systems.find((x) => x.id === 'rag')!.monthlyTotalUsd).toBeCloseTo(rag.cost!.monthlyTotalUsd, 9);
    expect(s3.verdictChanged).toBe(false);
    expect(s3.choice).toBe(run.recommendation!.choice);
    const md = readFileSync(join(outDir, 'report.md'), 'utf8');
    expect(md).toMatch(/## Vector store/);
    expect(md).toMatch(/S3 Vectors \(configured\)/);
    expect(md).toMatch(/\| OpenSearch Serverless \|/);
    expect(readFileSync(join(outDir, 'report.html'), 'utf8')).toContain('id="vector-stores"');
  });

  it('imports Price List files into a catalog whose entries carry SKU and effective date', async () => {
    const file = join(work, 'imported.json');
    const r = await runCli(['prices', 'import', join(FIXTURES, 'AmazonBedrock-offer.json'), join(FIXTURES, 'AmazonS3-get-products-page1.json'), join(FIXTURES, 'AmazonS3-get-products-page2.json'), '--out', file], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/not mapped/);
    const catalog = JSON.parse(readFileSync(file, 'utf8'));
    const micro = catalog.entries.find((e: { modelId: string; unit: string }) => e.modelId === 'amazon.nova-micro-v1:0' && e.unit === 'input-1k-tokens');
    expect(micro).toMatchObject({ price: 0.00004, asOf: '2026-11-01' });
    expect(micro.source).toMatch(/SKU AAAA1111NOVAMICROIN/);
    const again = await runCli(['prices', 'import', join(FIXTURES, 'AmazonBedrock-offer.json'), '--out', file], { cwd: work });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('re-pricing the saved demo run with a changed catalog reports the verdict change and keeps the original run', async () => {
    const bundled = JSON.parse(readFileSync(join(REPO, 'prices', 'bedrock-catalog.json'), 'utf8'));
    // Nova Micro tokens at ten times the price: every RAG system's tokens now cost more than the demo's budget.
    bundled.id = 'nova-micro-x10';
    bundled.date = '2026-12-02';
    for (const e of bundled.entries) if (e.modelId === 'amazon.nova-micro-v1:0' && /^(input|output)-1k-tokens$/.test(e.unit)) e.price *= 10;
    const changed = join(work, 'changed.json');
    writeFileSync(changed, JSON.stringify(bundled));
    const original = readFileSync(join(outDir, 'run.json'), 'utf8');
    const r = await runCli(['report', join(outDir, 'run.json'), '--prices', changed], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No model was called/);
    const repriced: RunResult = JSON.parse(readFileSync(join(outDir, 'repriced-nova-micro-x10', 'run.json'), 'utf8'));
    expect(repriced.priceCatalog.id).toBe('nova-micro-x10');
    expect(repriced.priceCatalog.repricedFrom).toMatchObject({ id: run.priceCatalog.id, choice: run.recommendation!.choice });
    const ragBefore = run.systems.find((s) => s.id === 'rag')!.cost!;
    const ragAfter = repriced.systems.find((s) => s.id === 'rag')!.cost!;
    expect(ragAfter.per1kQueriesUsd).toBeGreaterThan(ragBefore.per1kQueriesUsd * 5);
    expect(repriced.items).toEqual(run.items);
    const changedVerdict = repriced.recommendation!.choice !== run.recommendation!.choice || repriced.recommendation!.systemId !== run.recommendation!.systemId;
    expect(changedVerdict).toBe(true);
    expect(r.stdout).toMatch(/the verdict CHANGES/);
    expect(readFileSync(join(outDir, 'repriced-nova-micro-x10', 'report.md'), 'utf8')).toMatch(/The verdict changes/);
    expect(readFileSync(join(outDir, 'run.json'), 'utf8')).toBe(original);
    const again = await runCli(['report', join(outDir, 'run.json'), '--prices', changed], { cwd: work });
    expect(again.code).toBe(2);
    // The unchanged catalog re-prices to the same verdict.
    const same = await runCli(['report', join(outDir, 'run.json'), '--prices', join(REPO, 'prices', 'bedrock-catalog.json'), '--out', join(work, 'same')], { cwd: work });
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/the verdict is the same/);
  });
});
