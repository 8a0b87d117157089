/** Plain-text rendering of a cost comparison for `ftrag cost` (terminals, CI logs). */
import type { SystemCost } from '../schema/run-result.js';
import type { BreakEvenResult } from './break-even.js';
import { costCurve } from './break-even.js';
import { formatUsd, formatVolume } from './format.js';

export interface CostReport {
  catalog: { id: string; date: string; file: string; overrides: string[]; unverified: string[] };
  config?: string;
  workload: { monthlyQueries: number; horizonMonths: number; retrainEveryMonths?: number; knowledgeChangePerMonth: number; reingestEveryMonths: number };
  volumes: number[];
  /** tokensAssumed: tokens per query are the labelled assumptions (no run given), not measured. */
  systems: { id: string; label?: string; kind: string; modelId: string; pricingModelId: string; tokensAssumed?: boolean; cost: SystemCost; curve: ReturnType<typeof costCurve> }[];
  breakEven: BreakEvenResult[];
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

export function renderCostText(report: CostReport): string {
  const w = report.workload;
  const out: string[] = [];
  out.push(`Price catalog ${report.catalog.id} (${report.catalog.date}, ${report.catalog.file})${report.config ? `; config ${report.config}` : ''}`);
  out.push(
    `Workload: ${formatVolume(w.monthlyQueries)} queries/month over ${w.horizonMonths} months; retrain ${w.retrainEveryMonths ? `every ${w.retrainEveryMonths} months` : 'never'}; knowledge change ${(w.knowledgeChangePerMonth * 100).toFixed(1)}%/month, re-ingest every ${w.reingestEveryMonths} month(s)`,
  );
  out.push('');
  const header = ['system', 'one-time', 'monthly fixed', 'per 1k queries', ...report.volumes.map((v) => `monthly @${formatVolume(v)}`), `${w.horizonMonths}-month total`];
  const rows = report.systems.map((s) => [
    `${s.id} (${s.kind})${s.cost.missingPrices.length ? ' *' : ''}`,
    formatUsd(s.cost.oneTimeUsd),
    formatUsd(s.cost.monthlyFixedUsd),
    `${formatUsd(s.cost.per1kQueriesUsd)}${s.tokensAssumed ? ' (assumed tokens)' : ''}`,
    ...s.curve.map((p) => formatUsd(p.monthlyUsd)),
    formatUsd(s.cost.horizonTotalUsd),
  ]);
  out.push(table([header, ...rows]));
  if (report.systems.some((s) => s.cost.missingPrices.length)) out.push('* totals exclude missing prices (listed below)');
  const assumed = report.systems.find((s) => s.tokensAssumed);
  if (assumed) {
    const basis = assumed.cost.assumptions.find((a) => a.startsWith('Tokens per query')) ?? 'Tokens per query: assumed, not measured.';
    out.push(`(assumed tokens) per-query prices use assumed token counts, not measured ones (${basis.replace(/^Tokens per query: (assumed, not measured: )?/, '').replace(/\.$/, '')}; RAG systems add retrieved context); pass --run run.json to price measured tokens`);
  }
  out.push('');
  out.push('Break-even (total cost over the horizon):');
  for (const b of report.breakEven) out.push(`  ${b.note}`);
  for (const s of report.systems) {
    out.push('');
    out.push(`${s.id}: ${s.label ?? s.kind}, priced as ${s.pricingModelId}`);
    for (const l of s.cost.lines) {
      out.push(`  ${l.item.padEnd(24)} ${formatUsd(l.usd).padStart(12)} ${l.period.padEnd(14)} ${l.basis}${l.unverified ? ' [unverified]' : ''}${l.asOf ? ` (as of ${l.asOf})` : ''}`);
    }
    for (const m of s.cost.missingPrices) out.push(`  MISSING: ${m}`);
    for (const a of s.cost.assumptions) out.push(`  assumes: ${a}`);
  }
  if (report.catalog.overrides.length) {
    out.push('');
    out.push('Price overrides:');
    for (const o of report.catalog.overrides) out.push(`  ${o}`);
  }
  const unverified = new Set(report.systems.flatMap((s) => s.cost.unverifiedPrices));
  if (unverified.size) {
    out.push('');
    out.push('Unverified prices used (third-party or unconfirmed; check before relying on them):');
    for (const u of unverified) out.push(`  ${u}`);
  }
  return `${out.join('\n')}\n`;
}
