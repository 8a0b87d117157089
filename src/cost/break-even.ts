/**
 * Break-even volumes and cost curves. Over a horizon of H months every system's total cost is a straight line in
 * the monthly query volume v: total(v) = F + H × v / 1000 × per1k, where F (everything that does not scale with
 * queries) is recovered from the SystemCost itself, so no volume has to be carried along.
 */
import type { SystemCost } from '../schema/run-result.js';
import { formatUsd, formatVolume } from './format.js';

export interface BreakEvenResult {
  a: string;
  b: string;
  monthlyQueries: number | null;
  note: string;
}

export interface CostCurvePoint {
  monthlyQueries: number;
  monthlyUsd: number;
  /** Present when the horizon is given. */
  horizonUsd?: number;
}

/** Cost over the horizon that does not depend on volume: one-time + H × monthly fixed + retrains + re-ingestions. */
export function volumeIndependentCost(cost: SystemCost, horizonMonths: number): number {
  const variableMonthly = cost.monthlyTotalUsd - cost.monthlyFixedUsd;
  return cost.horizonTotalUsd - horizonMonths * variableMonthly;
}

export function horizonCostAt(cost: SystemCost, monthlyQueries: number, horizonMonths: number): number {
  return volumeIndependentCost(cost, horizonMonths) + horizonMonths * (monthlyQueries / 1000) * cost.per1kQueriesUsd;
}

/**
 * The monthly volume at which a and b cost the same over the horizon; null when the lines never cross at a
 * volume >= 0 (one is cheaper at every volume, or they are parallel).
 */
export function breakEvenMonthlyQueries(a: SystemCost, b: SystemCost, horizonMonths: number): number | null {
  const slopeGap = a.per1kQueriesUsd - b.per1kQueriesUsd;
  if (Math.abs(slopeGap) < 1e-15) return null;
  const v = ((volumeIndependentCost(b, horizonMonths) - volumeIndependentCost(a, horizonMonths)) * 1000) / (horizonMonths * slopeGap);
  if (!Number.isFinite(v) || v < 0) return null;
  return v;
}

export function costCurve(cost: SystemCost, volumes: number[], horizonMonths?: number): CostCurvePoint[] {
  return volumes.map((v) => {
    const point: CostCurvePoint = { monthlyQueries: v, monthlyUsd: cost.monthlyFixedUsd + (v / 1000) * cost.per1kQueriesUsd };
    if (horizonMonths !== undefined) point.horizonUsd = horizonCostAt(cost, v, horizonMonths);
    return point;
  });
}

/**
 * Break-even for every pair, oriented so that `a` is the system whose cost grows more slowly with volume: then
 * `monthlyQueries` is the volume above which a becomes cheaper than b, as run.json documents it.
 */
export function breakEvenPairs(systems: { id: string; cost: SystemCost }[], horizonMonths: number): BreakEvenResult[] {
  const out: BreakEvenResult[] = [];
  for (let i = 0; i < systems.length; i++) {
    for (let j = i + 1; j < systems.length; j++) {
      let [x, y] = [systems[i], systems[j]];
      if (x.cost.per1kQueriesUsd > y.cost.per1kQueriesUsd) [x, y] = [y, x];
      out.push(describePair(x, y, horizonMonths));
    }
  }
  return out;
}

function describePair(x: { id: string; cost: SystemCost }, y: { id: string; cost: SystemCost }, h: number): BreakEvenResult {
  const v = breakEvenMonthlyQueries(x.cost, y.cost, h);
  const fx = volumeIndependentCost(x.cost, h);
  const fy = volumeIndependentCost(y.cost, h);
  const missing = x.cost.missingPrices.length + y.cost.missingPrices.length > 0 ? ' (excluding missing prices)' : '';
  let note: string;
  if (v !== null) {
    note = `${x.id} becomes cheaper than ${y.id} above ${formatVolume(v)} queries/month over ${h} months${missing}`;
  } else if (x.cost.per1kQueriesUsd === y.cost.per1kQueriesUsd && Math.abs(fx - fy) < 0.005) {
    note = `${x.id} and ${y.id} cost the same at every volume${missing}`;
  } else {
    const [cheaper, dearer] = fx <= fy ? [x.id, y.id] : [y.id, x.id];
    note = `${cheaper} is cheaper than ${dearer} at every volume over ${h} months (${formatUsd(Math.abs(fx - fy))} less before any query)${missing}`;
  }
  return { a: x.id, b: y.id, monthlyQueries: v, note };
}
