/**
 * Data tools at scale: contamination check of 100,000 training records against 10,000 test items (target < 30 s),
 * plus the eval-set loader and split on the same synthetic data. Prints one JSON line per measurement.
 * Run: node --import tsx bench/data.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkContamination } from '../src/datasets/contamination.js';
import { loadEvalSet } from '../src/datasets/load.js';
import { seededRandom, splitDataset } from '../src/datasets/split.js';
import { loadTrainingData } from '../src/datasets/training.js';

const TRAIN = 100_000;
const TEST = 10_000;
const PLANTED_EXACT = 200;
const PLANTED_NEAR = 200;

const random = seededRandom(7);
const vocab = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
// Zipf-like word choice so texts share common words, as real text does.
const word = (): string => vocab[Math.floor(vocab.length * Math.pow(random(), 3))];
const sentence = (min: number, max: number): string => Array.from({ length: min + Math.floor(random() * (max - min)) }, word).join(' ');

const dir = mkdtempSync(join(tmpdir(), 'ftrag-bench-data-'));
const trainRows = Array.from({ length: TRAIN }, () => ({ prompt: sentence(10, 30), completion: sentence(15, 60) }));
const testRows = Array.from({ length: TEST }, (_, i) => ({ id: `t${i}`, prompt: sentence(10, 30), reference: sentence(3, 20) }));
for (let i = 0; i < PLANTED_EXACT; i++) testRows[i].prompt = trainRows[i * 311].prompt.toUpperCase() + '?';
for (let i = 0; i < PLANTED_NEAR; i++) {
  // One changed word at the end: Jaccard (n-3)/(n-1) for n words, i.e. >= 0.8 from 11 words on.
  const words = trainRows[i * 397 + 5].prompt.split(' ');
  words[words.length - 1] = 'changed';
  testRows[PLANTED_EXACT + i].prompt = words.join(' ');
}
const trainFile = join(dir, 'train.jsonl');
const testFile = join(dir, 'test.jsonl');
writeFileSync(trainFile, trainRows.map((r) => JSON.stringify(r)).join('\n'));
writeFileSync(testFile, testRows.map((r) => JSON.stringify(r)).join('\n'));

function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

try {
  let t0 = performance.now();
  const train = await loadTrainingData(trainFile);
  const evalSet = await loadEvalSet(testFile);
  const loadMs = performance.now() - t0;
  emit({ bench: 'data.load', trainRecords: train.records.length, testItems: evalSet.items.length, ms: Math.round(loadMs), heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20) });

  t0 = performance.now();
  const report = checkContamination(train, evalSet, { threshold: 0.8 });
  const checkMs = performance.now() - t0;
  emit({
    bench: 'data.contamination',
    trainRecords: TRAIN,
    testItems: TEST,
    ms: Math.round(checkMs),
    totalWithLoadMs: Math.round(checkMs + loadMs),
    targetMs: 30_000,
    pass: checkMs + loadMs < 30_000,
    exact: report.exact,
    near: report.near,
    planted: { exact: PLANTED_EXACT, near: PLANTED_NEAR },
  });

  t0 = performance.now();
  const split = await splitDataset(trainFile, { test: 0.2, validation: 0.1, seed: 1, outDir: join(dir, 'split') });
  emit({ bench: 'data.split', records: TRAIN, ms: Math.round(performance.now() - t0), counts: split.counts });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
