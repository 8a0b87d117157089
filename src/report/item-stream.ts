/**
 * The report reads per-item results through the library's re-iterable item source (cross-lane contract,
 * src/schema/items.ts: `type ItemStream = () => AsyncIterable<ItemResult>`, each call a fresh pass in item order).
 */
export { itemStreamOf, type ItemStream } from '../schema/items.js';
