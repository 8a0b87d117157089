import { describe, expect, it } from 'vitest';
import { rougeScore } from '../../src/scoring/index.js';

/** rouge_score's `_lcs_table`, written plainly, as the oracle for our buffer-reusing DP. */
function naiveLcs(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) t[i][j] = a[i - 1] === b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
  return t[a.length][b.length];
}

function words(seed: number, n: number): string[] {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(`w${x % 37}`);
  }
  return out;
}

describe('ROUGE-L on long and varying-length inputs', () => {
  it('matches a plain LCS table across sizes, including ones that grow the reused buffers', () => {
    for (const [n, m] of [[3, 700], [700, 3], [300, 520], [12, 12], [1, 1], [520, 300]]) {
      const a = words(n * 7 + 1, n);
      const b = words(m * 13 + 5, m);
      const lcs = naiveLcs(a, b);
      const got = rougeScore(a.join(' '), b.join(' '));
      expect(got.rougeL.recall).toBeCloseTo(lcs / a.length, 12);
      expect(got.rougeL.precision).toBeCloseTo(lcs / b.length, 12);
    }
  });

  it('scores 0 when either side has no tokens', () => {
    expect(rougeScore('', 'something here').rougeL).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
    expect(rougeScore('café!!', '').rouge1.fmeasure).toBe(0);
  });

  it('deletes non-ASCII letters like rouge_score (café -> caf)', () => {
    expect(rougeScore('café au lait', 'caf au lait').rouge1.fmeasure).toBe(1);
  });
});
