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
    expect(held.items.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    held.release();
    expect(() => held.items).toThrow(/items of \/sets\/tiny\.jsonl were released after scoring/);
    expect(held.facts.categories).toHaveLength(3);
  });
});
