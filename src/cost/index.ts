export { loadCatalog, priceOf, priceKeyOf, applyOverrides, catalogSummary, customOnDemandSupport, isCustomModelArn, BUNDLED_CATALOG_PATH } from './catalog.js';
export { costForSystem, recurringEvents, HOURS_PER_MONTH } from './model.js';
export { breakEvenMonthlyQueries, breakEvenPairs, costCurve, horizonCostAt, volumeIndependentCost } from './break-even.js';
export type { BreakEvenResult, CostCurvePoint } from './break-even.js';
export { formatUsd, formatPrice, formatVolume, formatCount } from './format.js';
export type * from './types.js';
export { planCostInputs, assumedTokens, ASSUMED_TOKENS } from './plan.js';
export type { PlannedSystem, PlanOptions } from './plan.js';
export { countTrainingTokens, countTrainingTextTokens, countCorpusTokens } from './token-counts.js';
