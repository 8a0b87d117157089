/**
 * The per-item facts a gate reads, collected in one pass over a run's ItemStream. The gate pairs items by id across
 * two runs (random access), so it keeps these in memory; outputs, references, contexts and judge reasons are never
 * kept, which is most of an item's size.
 */
import type { ItemStream } from '../schema/items.js';

export interface GateItemResult {
  scores: Record<string, number | null>;
  latencyMs?: number;
  serviceLatencyMs?: number;
  failed: boolean;
}

export interface GateItem {
  id: string;
  category?: string;
  prompt: string;
  results: Record<string, GateItemResult>;
}

export async function collectGateItems(items: ItemStream): Promise<GateItem[]> {
  const out: GateItem[] = [];
  for await (const item of items()) {
    const results: Record<string, GateItemResult> = {};
    for (const [system, r] of Object.entries(item.results)) {
      results[system] = {
        scores: r.scores,
        ...(r.latencyMs !== undefined ? { latencyMs: r.latencyMs } : {}),
        ...(typeof r.serviceLatencyMs === 'number' ? { serviceLatencyMs: r.serviceLatencyMs } : {}),
        failed: r.error !== undefined,
      };
    }
    out.push({ id: item.id, ...(item.category !== undefined ? { category: item.category } : {}), prompt: item.prompt, results });
  }
  return out;
}
