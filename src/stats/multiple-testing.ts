/** Multiple-comparison corrections, matching statsmodels multipletests ('holm'). Order is preserved. */

function ascendingOrder(pValues: readonly number[]): number[] {
  return pValues.map((_, i) => i).sort((i, j) => pValues[i] - pValues[j] || i - j);
}

/** Holm-Bonferroni step-down: controls the family-wise error rate. */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = ascendingOrder(pValues);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, (m - rank) * pValues[idx]);
    adjusted[idx] = Math.min(1, running);
  });
  return adjusted;
}
