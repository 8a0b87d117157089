import { describe, expect, it } from 'vitest';
import { choosePoint, type SweepCandidate } from '../../src/training/sweep-select.js';

const pts = (xs: Partial<SweepCandidate>[]): SweepCandidate[] => xs.map((x, index) => ({ index, cost: 100, ...x }));

describe('choosePoint', () => {
  it('validation-loss takes the lowest loss and ignores scores', () => {
    const c = pts([{ loss: 0.5, score: 0.9 }, { loss: 0.2, score: 0.1 }, { loss: 0.3 }]);
    expect(choosePoint(c, 'validation-loss')!.index).toBe(1);
  });

  it('validation-score takes the highest score and ignores losses', () => {
    const c = pts([{ loss: 0.5, score: 0.9 }, { loss: 0.2, score: 0.1 }, { loss: 0.1 }]);
    const choice = choosePoint(c, 'validation-score')!;
    expect(choice.index).toBe(0);
    expect(choice.reason).toMatch(/highest validation score \(validation score 0\.900\)/);
  });

  it('combined rules settle near-ties on the first criterion by the second', () => {
    const c = pts([{ loss: 0.2, score: 0.70 }, { loss: 0.5, score: 0.69 }, { loss: 0.1, score: 0.60 }]);
    // Without slack the score alone decides; within 0.02 points 0 and 1 tie and the lower loss wins.
    expect(choosePoint(c, 'score-then-loss', 0)!.index).toBe(0);
    expect(choosePoint(pts([{ loss: 0.5, score: 0.70 }, { loss: 0.2, score: 0.69 }]), 'score-then-loss', 0.02)!.index).toBe(1);
    expect(choosePoint(pts([{ loss: 0.5, score: 0.70 }, { loss: 0.2, score: 0.69 }]), 'score-then-loss', 0)!.index).toBe(0);
    // loss-then-score: 0.20 and 0.21 tie within 0.05; the better score decides.
    const d = pts([{ loss: 0.2, score: 0.5 }, { loss: 0.21, score: 0.8 }, { loss: 0.9, score: 1 }]);
    expect(choosePoint(d, 'loss-then-score', 0.05)!.index).toBe(1);
    expect(choosePoint(d, 'loss-then-score', 0)!.index).toBe(0);
    expect(choosePoint(d, 'loss-then-score', 0.05)!.reason).toMatch(/2 points within 0\.05 of the lowest validation loss; of them the highest validation score/);
  });

  it('exact ties go to the cheaper point, then the earlier one; missing evidence is skipped', () => {
    expect(choosePoint(pts([{ score: 0.5, cost: 300 }, { score: 0.5, cost: 100 }, { score: 0.5, cost: 100 }]), 'validation-score')!.index).toBe(1);
    expect(choosePoint(pts([{ loss: undefined }, { loss: Number.NaN }, { loss: 3 }]), 'validation-loss')!.index).toBe(2);
    expect(choosePoint(pts([{ loss: 1 }, { loss: 2 }]), 'validation-score')).toBeUndefined();
  });
});
