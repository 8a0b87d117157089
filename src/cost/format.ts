/** Number formatting for cost lines and tables: exact enough to re-do the arithmetic by hand. */

export function formatUsd(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const sign = x < 0 ? '-' : '';
  const a = Math.abs(x);
  if (a === 0) return '$0.00';
  if (a >= 1) return `${sign}$${a.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  // Sub-dollar amounts (per-query token costs) need significant digits, not cents.
  return `${sign}$${Number(a.toPrecision(4)).toString()}`;
}

/** A catalog price as stated, without float noise (0.000035, not 3.5e-5). */
export function formatPrice(x: number): string {
  if (x === 0) return '$0';
  const s = Number(x.toPrecision(10)).toString();
  if (!s.includes('e')) return `$${s}`;
  return `$${x.toFixed(12).replace(/0+$/, '')}`;
}

export function formatCount(x: number): string {
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  return x.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** 2,400,000 -> "2.4M"; for prose in verdicts. */
export function formatVolume(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e9) return `${trim(x / 1e9)}B`;
  if (a >= 1e6) return `${trim(x / 1e6)}M`;
  if (a >= 1e4) return `${trim(x / 1e3)}k`;
  return Math.round(x).toLocaleString('en-US');
}

function trim(x: number): string {
  return Number(x.toPrecision(3)).toString();
}
