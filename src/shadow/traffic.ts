/**
 * The logged traffic's volume and time profile, and what production and the candidate cost at it. Volume is the
 * usable records over the logged window (at least one hour), scaled to a month of 744 hours (24 x 31, as AWS prices a
 * month); the hour-of-day profile and the busiest hour are reported beside it (what provisioned throughput must carry).
 * Token means are the compared requests': production's from the log, the candidate's as measured in the replay.
 */
import type { ExperimentConfig } from '../config/schema.js';
import { costForSystem, HOURS_PER_MONTH, isCustomModelArn, planCostInputs, type CostInput, type MeasuredTokens, type PriceCatalog } from '../cost/index.js';
import { baseModelOf } from '../experiment/provision.js';
import type { ShadowSummary } from '../schema/shadow.js';
import type { ShadowRecord } from './records.js';

const HOUR_MS = 3_600_000;

export function trafficOf(usable: readonly ShadowRecord[]): ShadowSummary['traffic'] {
  const times = usable.map((r) => r.time);
  const first = Math.min(...times);
  const last = Math.max(...times);
  const hours = Math.max(1, (last - first) / HOUR_MS);
  const byHour = new Map<number, number>();
  const hourOfDay = new Array<number>(24).fill(0);
  for (const t of times) {
    const bucket = Math.floor(t / HOUR_MS);
    byHour.set(bucket, (byHour.get(bucket) ?? 0) + 1);
    hourOfDay[new Date(t).getUTCHours()]++;
  }
  const perHour = usable.length / hours;
  return {
    first: new Date(first).toISOString(),
    last: new Date(last).toISOString(),
    hours,
    requests: usable.length,
    requestsPerHour: { mean: perHour, peak: Math.max(...byHour.values()) },
    hourOfDay,
    monthlyQueries: perHour * HOURS_PER_MONTH,
  };
}

export interface CostSides {
  production: ShadowSummary['cost']['production'];
  candidate: ShadowSummary['cost']['candidate'];
  differencePct: number | null;
}

export interface CostArgs {
  config: ExperimentConfig;
  baseDir: string;
  catalog: PriceCatalog;
  candidateId: string;
  productionModelId: string;
  productionTokens: MeasuredTokens;
  candidateTokens: MeasuredTokens;
  monthlyQueries: number;
}

export async function costAtTraffic(args: CostArgs): Promise<CostSides> {
  const workload = { ...args.config.workload, monthlyQueries: args.monthlyQueries };
  const custom = isCustomModelArn(args.productionModelId);
  const productionInput: CostInput = {
    kind: custom ? 'fine-tuned' : 'base',
    modelId: args.productionModelId,
    pricingModelId: custom ? args.productionModelId : baseModelOf(args.productionModelId),
    region: args.config.region,
    measured: args.productionTokens,
    assumptions: [],
    missing: custom ? [`base model behind ${args.productionModelId} (custom model ARNs do not name one): production priced without it`] : [],
  };
  if (custom) productionInput.serving = { type: 'on-demand', modelUnits: 1, commitment: 'none' };
  const planned = await planCostInputs(args.config, args.catalog, { baseDir: args.baseDir, measured: { [args.candidateId]: args.candidateTokens } });
  const candidateInput = planned.find((p) => p.id === args.candidateId)!.input;
  const side = (input: CostInput) => {
    const c = costForSystem(input, workload, args.catalog);
    return {
      modelId: input.modelId,
      per1kQueriesUsd: c.per1kQueriesUsd,
      monthlyFixedUsd: c.monthlyFixedUsd,
      monthlyTotalUsd: c.monthlyTotalUsd,
      missingPrices: c.missingPrices,
      basis: c.lines.filter((l) => l.period !== 'one-time' && l.period !== 'horizon').map((l) => `${l.item}: ${l.basis}`),
    };
  };
  const production = side(productionInput);
  const candidate = side(candidateInput);
  const priced = production.missingPrices.length === 0 && candidate.missingPrices.length === 0 && production.monthlyTotalUsd > 0;
  return { production, candidate, differencePct: priced ? ((candidate.monthlyTotalUsd - production.monthlyTotalUsd) / production.monthlyTotalUsd) * 100 : null };
}
