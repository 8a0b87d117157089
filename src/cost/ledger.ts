/**
 * Collects cost lines while a system is priced, and keeps the bookkeeping honest: every price used carries its
 * source and date, an unverified price is listed, and a price the catalog lacks is listed as missing instead of
 * silently counting as zero.
 */
import type { CostLine, SystemCost } from '../schema/run-result.js';
import { priceOf } from './catalog.js';
import type { PriceCatalog, PriceEntry } from './types.js';

/** Region whose prices stand in when the catalog has none for the configured Region (the reference is us-east-1). */
const FALLBACK_REGION = 'us-east-1';

/** A system's totals from its ledger over the workload: one-time, monthly, per 1,000 queries, horizon. */
export function costTotals(ledger: CostLedger, workload: { monthlyQueries: number; horizonMonths: number }): SystemCost {
  const oneTimeUsd = ledger.sum('one-time');
  const monthlyFixedUsd = ledger.sum('monthly');
  const per1kQueriesUsd = ledger.sum('per-1k-queries');
  const monthlyTotalUsd = monthlyFixedUsd + (workload.monthlyQueries / 1000) * per1kQueriesUsd;
  const horizonTotalUsd = oneTimeUsd + workload.horizonMonths * monthlyTotalUsd + ledger.sum('horizon');
  if (ledger.missingPrices().length > 0) {
    ledger.assume(`Totals exclude ${ledger.missingPrices().length} missing price(s) listed in missingPrices; supply them with pricing.overrides.`);
  }
  return {
    oneTimeUsd,
    monthlyFixedUsd,
    per1kQueriesUsd,
    monthlyTotalUsd,
    horizonTotalUsd,
    lines: ledger.lines,
    assumptions: ledger.assumptions,
    missingPrices: ledger.missingPrices(),
    unverifiedPrices: ledger.unverifiedPrices(),
  };
}

export class CostLedger {
  readonly lines: CostLine[] = [];
  readonly assumptions: string[] = [];
  private readonly missing = new Set<string>();
  private readonly unverified = new Set<string>();

  constructor(
    readonly catalog: PriceCatalog,
    private readonly region: string,
  ) {}

  /** Looks a price up; records it as missing (with what it was for) when absent. */
  price(modelId: string, unit: string, purpose: string): PriceEntry | undefined {
    let entry = priceOf(this.catalog, modelId, unit, this.region);
    if (!entry && this.region !== FALLBACK_REGION) {
      entry = priceOf(this.catalog, modelId, unit, FALLBACK_REGION);
      if (entry) this.assume(`No ${this.region} price for ${modelId} ${unit}; the ${FALLBACK_REGION} price is used.`);
    }
    if (!entry) {
      this.missing.add(`${modelId} ${unit} (${this.region}) for ${purpose}`);
      return undefined;
    }
    if (entry.unverified && !entry.overridden) this.unverified.add(`${entry.modelId} ${entry.unit} ${entry.region} = ${entry.price} (as of ${entry.asOf}, ${entry.source})`);
    return entry;
  }

  markMissing(description: string): void {
    this.missing.add(description);
  }

  add(item: string, usd: number, period: CostLine['period'], basis: string, entry?: PriceEntry): void {
    const line: CostLine = { item, usd, period, basis };
    if (entry) {
      line.source = entry.overridden ? `${entry.source} (override)` : entry.source;
      line.asOf = entry.asOf;
      if (entry.unverified && !entry.overridden) line.unverified = true;
    }
    this.lines.push(line);
  }

  assume(text: string): void {
    if (!this.assumptions.includes(text)) this.assumptions.push(text);
  }

  sum(period: CostLine['period']): number {
    return this.lines.filter((l) => l.period === period).reduce((s, l) => s + l.usd, 0);
  }

  missingPrices(): string[] {
    return [...this.missing];
  }

  unverifiedPrices(): string[] {
    return [...this.unverified];
  }
}
