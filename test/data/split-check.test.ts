import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkContamination } from '../../src/datasets/contamination.js';
import { checkCoverage, readKbChunks } from '../../src/datasets/coverage.js';
import { loadEvalSet } from '../../src/datasets/load.js';
import { jaccard, NearDuplicateIndex, normalizeText, shingleHashes } from '../../src/datasets/minhash.js';
import { splitDataset } from '../../src/datasets/split.js';
import { loadTrainingData } from '../../src/datasets/training.js';
import { RunResult } from '../../src/schema/run-result.js';

const FX = 'test/data/fixtures';
const tmp = mkdtempSync(join(tmpdir(), 'ftrag-split-'));
function write(name: string, content: string): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}
const readJsonl = (p: string): Array<Record<string, unknown>> =>
  readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('near-duplicate index', () => {
  it('normalizes like SQuAD and measures exact shingle Jaccard', () => {
    expect(normalizeText('  The Eiffel-Tower, in  PARIS! ')).toBe('eiffel tower in paris');
    const a = shingleHashes('one two three four five six seven eight nine ten eleven');
    const b = shingleHashes('one two three four five six seven eight nine ten twelve');
    expect(jaccard(a, a)).toBe(1);
    expect(jaccard(a, b)).toBeCloseTo(8 / 10, 10);
  });

  it('finds near duplicates at the threshold and not below it', () => {
    const idx = new NearDuplicateIndex(0.8);
    const base = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu';
    idx.add(base);
    idx.add('completely different words that share nothing with the other one at all');
    const near = idx.query(base.replace('mu', 'nu'));
    expect(near.map((m) => m.id)).toEqual([0]);
    expect(near[0].similarity).toBeCloseTo(9 / 11, 10);
    expect(idx.query(base.replace('theta', 'omega'))).toEqual([]); // a middle word breaks 3 shingles: 7/13
  });
});

describe('splitDataset', () => {
  const rows = Array.from({ length: 200 }, (_, i) => ({ prompt: `question number ${i} about topic ${i % 7} with words ${i * 13}`, completion: `a${i}`, category: i % 4 === 0 ? 'rare' : 'common' }));
  // Duplicates that must stay together: an exact repeat (after normalization) and a near duplicate.
  rows.push({ prompt: 'QUESTION number 5 about topic 5 with words 65?', completion: 'dup', category: 'common' });
  rows.push({ prompt: 'question number 9 about topic 2 with words 117 extra', completion: 'near', category: 'common' });
  const input = write('data.jsonl', rows.map((r) => JSON.stringify(r)).join('\n'));

  it('is deterministic, keeps lines verbatim, keeps duplicate groups on one side and stratifies', async () => {
    const a = await splitDataset(input, { test: 0.2, validation: 0.1, stratify: 'category', seed: 3, outDir: join(tmp, 'a') });
    const b = await splitDataset(input, { test: 0.2, validation: 0.1, stratify: 'category', seed: 3, outDir: join(tmp, 'b') });
    expect(readFileSync(a.files.test!, 'utf8')).toBe(readFileSync(b.files.test!, 'utf8'));
    expect(a.counts.train + a.counts.validation + a.counts.test).toBe(202);
    expect(a.counts.test).toBeGreaterThanOrEqual(38);
    expect(a.counts.test).toBeLessThanOrEqual(43);
    expect(a.duplicateGroups).toBe(2);
    expect(a.groupedRecords).toBe(4);
    const sideOf = (completion: string): string =>
      (['train', 'validation', 'test'] as const).find((s) => readJsonl(a.files[s]!).some((r) => r.completion === completion))!;
    expect(sideOf('dup')).toBe(sideOf('a5'));
    expect(sideOf('near')).toBe(sideOf('a9'));
    expect(a.strata.rare.test).toBe(10);
    const original = new Set(readFileSync(input, 'utf8').split('\n'));
    for (const line of readFileSync(a.files.train!, 'utf8').split('\n').filter(Boolean)) expect(original.has(line)).toBe(true);
    const c = await splitDataset(input, { test: 0.2, seed: 4, outDir: join(tmp, 'c') });
    expect(readFileSync(c.files.test!, 'utf8')).not.toBe(readFileSync(a.files.test!, 'utf8'));
    expect(c.files.validation).toBeUndefined();
  });

  it('splits CSV keeping the header and records', async () => {
    const csv = write('set.csv', `prompt,reference\n${Array.from({ length: 20 }, (_, i) => `"q ${i}, really",r${i}`).join('\n')}\n`);
    const r = await splitDataset(csv, { test: 0.25, outDir: join(tmp, 'csv') });
    const test = readFileSync(r.files.test!, 'utf8').split('\n').filter(Boolean);
    expect(test[0]).toBe('prompt,reference');
    expect(test).toHaveLength(6);
    expect((await loadEvalSet(r.files.train!)).items).toHaveLength(15);
  });

  it('rejects bad ratios, empty files, broken JSON and wrong keys with file and line', async () => {
    await expect(splitDataset(input, { test: 1.2 })).rejects.toThrow(/--test must be between 0 and 1/);
    await expect(splitDataset(input, { test: 0.5, validation: 0.5 })).rejects.toThrow(/leave some records/);
    await expect(splitDataset(write('e.jsonl', ''), { test: 0.2 })).rejects.toThrow(/empty file/);
    await expect(splitDataset(write('b.jsonl', '{"prompt":"a","completion":"b"}\n{"prompt":\n'), { test: 0.2 })).rejects.toThrow(/b\.jsonl, line 2: invalid JSON/);
    await expect(splitDataset(write('k.jsonl', '{"question":"a"}\n'), { test: 0.2 })).rejects.toThrow(/k\.jsonl, line 1, field "question": unrecognised record/);
  });
});

describe('checkContamination', () => {
  it('finds exact (normalized) and near prompt matches and long reference matches, with training lines', async () => {
    const train = await loadTrainingData(
      write(
        'train.jsonl',
        [
          { prompt: 'What is the refund window at Acme?', completion: 'Thirty days.' },
          { prompt: 'Unrelated question about the weather in spring', completion: 'Mild.' },
          { prompt: 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu', completion: 'x' },
          { prompt: 'Something else', completion: 'The warranty covers parts and labour for two full years' },
          { prompt: 'Capital?', completion: 'Paris' },
        ]
          .map((r) => JSON.stringify(r))
          .join('\n'),
      ),
    );
    const evalSet = await loadEvalSet(
      write(
        'eval.jsonl',
        [
          { id: 'exact', prompt: 'what is the REFUND window at acme', reference: 'x' },
          { id: 'near', prompt: 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda nu', reference: 'y' },
          { id: 'ref', prompt: 'How long is the warranty?', reference: 'The warranty covers parts and labour for two full years.' },
          { id: 'short-ref', prompt: 'Name a city in France', reference: 'Paris' },
          { id: 'clean', prompt: 'How do I reset my password?', reference: 'Use the link.' },
        ]
          .map((r) => JSON.stringify(r))
          .join('\n'),
      ),
    );
    const report = checkContamination(train, evalSet, { threshold: 0.8 });
    expect(report).toMatchObject({ checked: 5, exact: 2, near: 1, threshold: 0.8 });
    expect(report.pairs).toEqual([
      { itemId: 'exact', trainingLine: 1, similarity: 1, match: 'exact', field: 'prompt' },
      { itemId: 'near', trainingLine: 3, similarity: 0.8182, match: 'near', field: 'prompt' },
      { itemId: 'ref', trainingLine: 4, similarity: 1, match: 'exact', field: 'reference' },
    ]);
    // The report drops into run.json's `contamination` field as is.
    const field = RunResult.shape.contamination.parse(report);
    expect(field?.pairs).toHaveLength(3);
    expect(checkContamination(train, evalSet, { threshold: 0.9 }).near).toBe(0);
  });
});

describe('checkCoverage', () => {
  it('counts references found in KB chunks by substring or windowed token F1, per category', async () => {
    const evalSet = await loadEvalSet(`${FX}/eval.jsonl`);
    const kb = await readKbChunks(`${FX}/kb`);
    const r = checkCoverage(evalSet, { folder: `${FX}/kb`, ...kb }, { threshold: 0.8 });
    expect(r).toMatchObject({ documents: 2, checked: 4, covered: 3, share: 0.75, missing: ['e4'] });
    expect(r.byCategory.brand).toEqual({ checked: 1, covered: 0, share: 0 });
    const fuzzy = await loadEvalSet(write('fuzzy.jsonl', '{"prompt":"p","reference":"support hours are nine to five on weekends"}\n'));
    expect(checkCoverage(fuzzy, { folder: 'kb', ...kb }, { threshold: 0.8 }).covered).toBe(1);
    expect(checkCoverage(fuzzy, { folder: 'kb', ...kb }, { threshold: 0.95 }).covered).toBe(0);
  });

  it('rejects a missing or empty KB folder', async () => {
    await expect(readKbChunks(join(tmp, 'nope'))).rejects.toThrow(/folder not found/);
    const empty = mkdtempSync(join(tmpdir(), 'ftrag-kb-'));
    await expect(readKbChunks(empty)).rejects.toThrow(/no text documents/);
  });
});
