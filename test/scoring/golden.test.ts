import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rougeScore, squadExact, squadF1 } from '../../src/scoring/index.js';

interface SquadGolden {
  items: { id: string; references: string[]; prediction: string; exact: number; f1: number }[];
}
interface Triple {
  precision: number;
  recall: number;
  fmeasure: number;
}
type RougeSet = Record<'rouge1' | 'rouge2' | 'rougeL', Triple>;
interface RougeGolden {
  items: { reference: string; candidate: string; stemmed: RougeSet; plain: RougeSet }[];
}

const squad = JSON.parse(readFileSync('test/fixtures/golden/squad-em-f1.json', 'utf8')) as SquadGolden;
const rouge = JSON.parse(readFileSync('test/fixtures/golden/rouge.json', 'utf8')) as RougeGolden;

describe('SQuAD v2 EM/F1 against evaluate-v2.0.py', () => {
  it('has the 600 golden items', () => expect(squad.items).toHaveLength(600));

  it('matches every item to 1e-9', () => {
    const mismatches: string[] = [];
    for (const it of squad.items) {
      const e = squadExact(it.prediction, it.references);
      const f = squadF1(it.prediction, it.references);
      if (e !== it.exact || Math.abs(f - it.f1) > 1e-9) mismatches.push(`${it.id}: exact ${e}/${it.exact} f1 ${f}/${it.f1}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('ROUGE against rouge_score 0.1.2', () => {
  it('has the 300 golden items', () => expect(rouge.items).toHaveLength(300));

  for (const mode of ['stemmed', 'plain'] as const) {
    it(`matches every item (${mode}) in precision, recall and F to 1e-9`, () => {
      const mismatches: string[] = [];
      for (const [i, it] of rouge.items.entries()) {
        const got = rougeScore(it.reference, it.candidate, { useStemmer: mode === 'stemmed' });
        for (const kind of ['rouge1', 'rouge2', 'rougeL'] as const) {
          for (const part of ['precision', 'recall', 'fmeasure'] as const) {
            const want = it[mode][kind][part];
            if (Math.abs(got[kind][part] - want) > 1e-9) mismatches.push(`#${i} ${kind}.${part}: ${got[kind][part]} vs ${want}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('stemming changes some golden scores (so the stemmed vectors exercise the stemmer at all)', () => {
    const differ = rouge.items.filter((it) => JSON.stringify(it.stemmed) !== JSON.stringify(it.plain));
    expect(differ.length).toBeGreaterThan(0);
  });
});
