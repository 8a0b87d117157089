import { describe, expect, it } from 'vitest';
import { PackedItems } from '../../src/datasets/packed-items.js';
import type { EvalItem } from '../../src/datasets/types.js';

describe('PackedItems', () => {
  it('gives back every item as loaded, in order and by position, past its first buffer growth', () => {
    const items: EvalItem[] = Array.from({ length: 3000 }, (_, i) => ({
      id: `item-${i}`,
      // Multi-byte text and long prompts, so byte and character offsets differ and the working buffer must grow.
      prompt: `${'Ünïcödé façade — 東京 '.repeat(i % 17)}question ${i}?`,
      references: i % 5 === 0 ? [''] : [`answer ${i}`, `alt ${i}`],
      ...(i % 3 === 0 ? { category: `cat-${i % 4}` } : {}),
      ...(i % 7 === 0 ? { contexts: [`passage ${i}`], metadata: { source: 'x', n: i, nested: { ok: true } } } : {}),
    }));
    const packed = new PackedItems(items);
    expect(packed.length).toBe(items.length);
    expect([...packed]).toEqual(items);
    expect(packed.at(1234)).toEqual(items[1234]);
    expect(packed.at(-1)).toEqual(items[items.length - 1]);
    expect(packed.at(items.length)).toBeUndefined();
    // Each take is a fresh object: a caller that changes one does not change the set.
    packed.at(0)!.prompt = 'changed';
    expect(packed.at(0)).toEqual(items[0]);
  });

  it('holds an empty set', () => {
    const packed = new PackedItems([]);
    expect(packed.length).toBe(0);
    expect([...packed]).toEqual([]);
    expect(packed.at(0)).toBeUndefined();
  });
});
