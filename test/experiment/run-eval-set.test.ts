import { describe, expect, it } from 'vitest';
import { RunEvalSet } from '../../src/experiment/run-eval-set.js';

const set = {
  name: 'tiny',
  path: '/sets/tiny.jsonl',
  format: 'jsonl' as const,
  sha256: 'ab'.repeat(32),
  items: [
    { id: 'a', prompt: 'p1', references: ['r1'], category: 'fact' },
    { id: 'b', prompt: 'p2', references: ['r2'] },
    { id: 'c', prompt: 'p3', references: ['r3'], category: 'fact' },
  ],
};

describe('RunEvalSet', () => {
  it('keeps each item category in set order, one string per distinct category', () => {
    const held = new RunEvalSet(structuredClone(set));
    expect(held.facts).toEqual({ name: 'tiny', path: '/sets/tiny.jsonl', format: 'jsonl', sha256: set.sha256, categories: ['fact', undefined, 'fact'] });
    expect(held.size).toBe(3);
  });

  it('serves the items until released, then refuses with the file it came from', () => {
    const held = new RunEvalSet(structuredClone(set));
    expect([...held.items].map((i) => i.id)).toEqual(['a', 'b', 'c']);
    held.release();
    expect(() => held.items).toThrow(/items of \/sets\/tiny\.jsonl were packed for the calls or released after scoring/);
    expect(held.facts.categories).toHaveLength(3);
  });

  it('serves a small set as loaded, the same items whenever asked', () => {
    const held = new RunEvalSet(structuredClone(set));
    expect(held.items).toBe(held.set.items);
    expect(held.items).toBe(held.items);
  });

  it('serves a large set for the checks before the calls, then packed items equal to what was loaded', () => {
    const held = new RunEvalSet(structuredClone(set), { packFrom: 3 });
    expect(held.set.items).toEqual(set.items);
    const items = held.items;
    expect(items.length).toBe(set.items.length);
    for (let i = 0; i < set.items.length; i++) expect(items.at(i)).toEqual(set.items[i]);
    expect(items.at(-1)).toEqual(set.items.at(-1));
    expect(items.at(set.items.length)).toBeUndefined();
    // Packed once: the loaded objects are let go, and the same packed items are served again.
    expect(held.items).toBe(items);
    expect(() => held.set).toThrow(/were packed for the calls/);
  });
});
