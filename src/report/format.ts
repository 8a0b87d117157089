/** Number formatting shared by the HTML and markdown reports (en-US, fixed so reports are reproducible). */

import type { RunResult } from '../schema/run-result.js';
const NBSP = '\u00a0';

export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(digits)}%`;
}

/** A difference of two 0..1 metrics, in percentage points with a sign. */
export function points(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return '—';
  const v = (x * 100).toFixed(digits);
  return `${x > 0 ? '+' : ''}${v}${NBSP}pts`;
}

export function interval(ci: [number, number] | undefined, fmt: (x: number) => string = (x) => pct(x)): string {
  return ci ? `${fmt(ci[0])}–${fmt(ci[1])}` : '—';
}

/** A 95% interval of a difference, e.g. "−1.2 to +5.0 pts". */
export function pointsInterval(ci: [number, number]): string {
  const one = (x: number) => `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
  return `${one(ci[0])} to ${one(ci[1])}${NBSP}pts`;
}

export function ms(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x >= 10_000 ? `${(x / 1000).toFixed(1)}${NBSP}s` : `${Math.round(x).toLocaleString('en-US')}${NBSP}ms`;
}

export function usd(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const abs = Math.abs(x);
  const digits = abs === 0 ? 2 : abs < 0.01 ? 4 : abs < 1 ? 3 : 2;
  return `$${x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

export function count(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function pValue(p: number): string {
  if (!Number.isFinite(p)) return '—';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** What the run is called in titles: the experiment's name, else the eval set's. */
export function runTitle(run: RunResult): string {
  const name = (run.config as { name?: unknown }).name;
  return typeof name === 'string' && name ? name : run.evalSet.name;
}
