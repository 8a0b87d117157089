/** Summary of a list of counts (tokens per record and the like). Percentiles are nearest-rank. */
export interface Distribution {
  count: number;
  total: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

export function distribution(values: number[]): Distribution {
  if (values.length === 0) return { count: 0, total: 0, mean: 0, p50: 0, p95: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const rank = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  let total = 0;
  for (const v of values) total += v;
  return { count: values.length, total, mean: total / values.length, p50: rank(0.5), p95: rank(0.95), max: sorted[sorted.length - 1] };
}
