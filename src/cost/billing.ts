/** Billing conventions shared by every cost line. */

/** AWS's own worked examples bill a month as 24 h × 31 d = 744 h; we use the same for every hourly price. */
export const HOURS_PER_MONTH = 744;

/** Events (retrains, re-ingestions) at every `every` months strictly inside the horizon; month 0 is the one-time cost. */
export function recurringEvents(horizonMonths: number, everyMonths: number | undefined): number {
  if (!everyMonths || everyMonths <= 0) return 0;
  return Math.max(0, Math.ceil(horizonMonths / everyMonths - 1e-9) - 1);
}
