/**
 * The report reads per-item results through the library's re-iterable item source (cross-lane contract:
 * `type ItemStream = () => AsyncIterable<ItemResult>`, each call a fresh pass in the run's item order). Until the
 * sidecar lane's src/schema/items.ts lands on main this is the report's local adapter with the same shape.
 */
import type { ItemResult } from '../schema/run-result.js';

export type ItemStream = () => AsyncIterable<ItemResult>;

/** An ItemStream over items already in memory. */
export function itemStreamOf(items: readonly ItemResult[]): ItemStream {
  return async function* itemsInMemory() {
    yield* items;
  };
}
