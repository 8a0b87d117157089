import { describe, expect, it, vi } from 'vitest';

/**
 * The module keeps whether capHeapGrowth ran in its own state, so each test takes a fresh copy: the tests pass in any
 * order (CI runs them shuffled too).
 */
async function freshModule(): Promise<typeof import('../../src/cli/heap-growth.js')> {
  vi.resetModules();
  return import('../../src/cli/heap-growth.js');
}

/** Half a million objects, live long enough to be in the old generation, where only a full collection frees them. */
function oldObjects(): { i: number; text: string }[][] {
  return Array.from({ length: 10 }, (_, r) => Array.from({ length: 50_000 }, (_, i) => ({ i, text: `item ${i} of batch ${r}` })));
}

describe('capHeapGrowth', () => {
  it('runs no collection between phases in a process that is not the CLI', async () => {
    const { phaseCollector } = await freshModule();
    expect(phaseCollector()).toBeUndefined();
  });

  it('caps the growth factor when node was started without one', async () => {
    const { capHeapGrowth, HEAP_GROWING_PERCENT } = await freshModule();
    expect(capHeapGrowth(['--enable-source-maps'])).toBe(HEAP_GROWING_PERCENT);
    expect(HEAP_GROWING_PERCENT).toBeGreaterThan(0);
  });

  it("leaves a user's own --heap-growing-percent alone, in either spelling", async () => {
    const { capHeapGrowth } = await freshModule();
    expect(capHeapGrowth(['--heap-growing-percent=0'])).toBeUndefined();
    expect(capHeapGrowth(['--heap_growing_percent=80'])).toBeUndefined();
  });

  it('in the CLI process, collects the garbage a phase left before the next one', async () => {
    const { capHeapGrowth, phaseCollector } = await freshModule();
    capHeapGrowth(['--heap-growing-percent=0']);
    const collect = phaseCollector();
    expect(collect).toBeTypeOf('function');
    let held: unknown[][] | undefined = oldObjects();
    expect(held.flat()).toHaveLength(500_000);
    held = undefined;
    const before = process.memoryUsage().heapUsed;
    await collect!();
    // The objects (tens of MB) are garbage now: a scavenge cannot free them, a full collection frees them all.
    expect(before - process.memoryUsage().heapUsed).toBeGreaterThan(20 * 1024 * 1024);
  });
});
