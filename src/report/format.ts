/** Number formatting shared by the HTML and markdown reports (en-US, fixed so reports are reproducible). */

import type { RunSummary } from '../schema/run-result.js';
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
export function runTitle(run: RunSummary): string {
  const name = (run.config as { name?: unknown }).name;
  return typeof name === 'string' && name ? name : run.evalSet.name;
}

/** The `label:` a system was given in the config, when it was given one that says more than its id. */
export function systemLabel(run: RunSummary, id: string): string | undefined {
  const systems = (run.config as { systems?: unknown }).systems;
  if (!Array.isArray(systems)) return undefined;
  const spec = systems.find((s): s is { id: string; label?: unknown } => typeof s === 'object' && s !== null && (s as { id?: unknown }).id === id);
  return typeof spec?.label === 'string' && spec.label.trim() !== '' && spec.label !== id ? spec.label : undefined;
}

/** The unit a comparison's difference is in: milliseconds for latency, dollars for cost, points for 0..1 metrics. */
export function metricUnit(metric: string): 'ms' | 'usd' | 'points' {
  if (/latency|_ms$|firstToken/i.test(metric)) return 'ms';
  if (/cost|usd/i.test(metric)) return 'usd';
  return 'points';
}

const signedWith = (x: number, f: (v: number) => string) => (Number.isFinite(x) ? `${x > 0 ? '+' : x < 0 ? '−' : ''}${f(Math.abs(x))}` : '—');

/** A difference of a metric in its own unit: "+3.2 pts", "−884 ms", "+$12.40". */
export function difference(metric: string, x: number): string {
  const unit = metricUnit(metric);
  if (unit === 'ms') return signedWith(x, (v) => ms(v));
  if (unit === 'usd') return signedWith(x, (v) => usd(v));
  return points(x);
}

/** A 95% interval of a difference in the metric's own unit. */
export function differenceInterval(metric: string, ci: [number, number]): string {
  if (metricUnit(metric) === 'points') return pointsInterval(ci);
  return `${difference(metric, ci[0])} to ${difference(metric, ci[1])}`;
}
