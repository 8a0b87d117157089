/** Items that flipped from right to wrong between two runs: the first thing a reviewer wants to read. */
import type { RunSummary } from '../schema/run-result.js';
import type { GateItem } from './items.js';
import type { SystemFlips } from './types.js';

const RIGHT_THRESHOLD = 0.5;

function correctness(item: GateItem | undefined, system: string, basis: string): boolean | undefined {
  const result = item?.results[system];
  if (!result) return undefined;
  if (result.failed) return false;
  const score = result.scores[basis];
  return typeof score === 'number' ? score >= RIGHT_THRESHOLD : undefined;
}

/** Per system present in both runs, matched by item id and system id, in the current run's item order. */
export function findFlips(baselineItems: ReadonlyMap<string, GateItem>, currentItems: readonly GateItem[], baseline: RunSummary, current: RunSummary): SystemFlips[] {
  const baselineSystems = new Set(baseline.systems.map((s) => s.id));
  const flips: SystemFlips[] = [];
  for (const { id: system } of current.systems) {
    if (!baselineSystems.has(system)) continue;
    const hasExact = currentItems.some((item) => typeof item.results[system]?.scores.exact === 'number');
    const basis = hasExact ? 'exact' : current.primaryMetric;
    const entry: SystemFlips = {
      system,
      basis: hasExact ? 'exact' : `${current.primaryMetric} >= ${RIGHT_THRESHOLD}`,
      regressed: [],
      fixed: 0,
    };
    for (const item of currentItems) {
      const before = correctness(baselineItems.get(item.id), system, basis);
      const now = correctness(item, system, basis);
      if (before === true && now === false) {
        entry.regressed.push({ id: item.id, prompt: item.prompt, ...(item.category !== undefined ? { category: item.category } : {}) });
      } else if (before === false && now === true) {
        entry.fixed++;
      }
    }
    flips.push(entry);
  }
  return flips;
}
