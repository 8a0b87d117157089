/**
 * Scoring throughput: 10,000 items with exact + f1 + rougeL (target < 2 s), plus the pure functions alone.
 * Items are the SQuAD and ROUGE golden pairs, cycled. Prints one JSON line per measurement.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { EvalItem } from '../src/datasets/types.js';
import { createScorers, rougeScore, scoreOne, squadF1 } from '../src/scoring/index.js';

const squad = JSON.parse(readFileSync('test/fixtures/golden/squad-em-f1.json', 'utf8')) as {
  items: { id: string; question: string; references: string[]; prediction: string }[];
};
const rouge = JSON.parse(readFileSync('test/fixtures/golden/rouge.json', 'utf8')) as { items: { reference: string; candidate: string }[] };

const N = 10_000;
const inputs: { item: EvalItem; output: string }[] = [];
for (let i = 0; i < N; i++) {
  if (i % 3 === 2) {
    const r = rouge.items[i % rouge.items.length];
    inputs.push({ item: { id: `r${i}`, prompt: 'summarize', references: [r.reference] }, output: r.candidate });
  } else {
    const s = squad.items[i % squad.items.length];
    inputs.push({ item: { id: `s${i}`, prompt: s.question, references: s.references }, output: s.prediction });
  }
}

function report(name: string, ms: number, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ bench: `scoring.${name}`, items: N, ms: Math.round(ms * 10) / 10, itemsPerSec: Math.round((N / ms) * 1000), ...extra })}\n`);
}

const scorers = createScorers(['exact', 'f1', 'rougeL']);
// Warm-up pass so JIT and the stem cache are in a steady state; the cold pass is reported too.
let t0 = performance.now();
for (const input of inputs) await scoreOne(scorers, input);
report('exact+f1+rougeL.cold', performance.now() - t0);

t0 = performance.now();
let check = 0;
for (const input of inputs) check += (await scoreOne(scorers, input)).scores.f1 ?? 0;
const warm = performance.now() - t0;
report('exact+f1+rougeL.warm', warm, { targetMs: 2000, pass: warm < 2000, meanF1: check / N });

t0 = performance.now();
for (const { item, output } of inputs) squadF1(output, item.references);
report('squadF1', performance.now() - t0);

t0 = performance.now();
for (const { item, output } of inputs) rougeScore(item.references[0], output, { useStemmer: true });
report('rougeScore.stemmed', performance.now() - t0);

// Long texts stress the LCS DP: 400 x 400 tokens.
const long = rouge.items.map((r) => r.reference).join(' ').split(' ').slice(0, 400).join(' ');
const longOther = rouge.items.map((r) => r.candidate).join(' ').split(' ').slice(0, 400).join(' ');
t0 = performance.now();
for (let i = 0; i < 1000; i++) rougeScore(long, longOther, { useStemmer: true });
process.stdout.write(`${JSON.stringify({ bench: 'scoring.rougeScore.400x400', pairs: 1000, ms: Math.round((performance.now() - t0) * 10) / 10 })}\n`);
