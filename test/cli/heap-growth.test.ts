import { describe, expect, it } from 'vitest';
import { capHeapGrowth, HEAP_GROWING_PERCENT } from '../../src/cli/heap-growth.js';

describe('capHeapGrowth', () => {
  it('caps the growth factor when node was started without one', () => {
    expect(capHeapGrowth(['--enable-source-maps'])).toBe(HEAP_GROWING_PERCENT);
    expect(HEAP_GROWING_PERCENT).toBeGreaterThan(0);
  });

  it("leaves a user's own --heap-growing-percent alone, in either spelling", () => {
    expect(capHeapGrowth(['--heap-growing-percent=0'])).toBeUndefined();
    expect(capHeapGrowth(['--heap_growing_percent=80'])).toBeUndefined();
  });
});
