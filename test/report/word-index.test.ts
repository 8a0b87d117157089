import { describe, expect, it } from 'vitest';
import { readWordIndex, WordIndex } from '../../src/report/drilldown-words.js';

describe('the drill-down word index', () => {
  it('finds every word in exactly the items that hold it, words of one item and of many alike', () => {
    const index = new WordIndex();
    const texts = [
      ['Alpha beta', 'beta'],
      ['gamma'],
      [],
      ['Alpha delta', 'delta delta'],
      ['épée 東京 200'],
    ];
    for (const [k, t] of texts.entries()) index.add(k + 1000, `item-${k}`, t);
    const read = readWordIndex(index.bytes());
    expect(read.get('alpha')).toEqual([1000, 1003]);
    expect(read.get('beta')).toEqual([1000]);
    expect(read.get('gamma')).toEqual([1001]);
    expect(read.get('delta')).toEqual([1003]);
    expect(read.get('épée')).toEqual([1004]);
    expect(read.get('東京')).toEqual([1004]);
    expect(read.get('200')).toEqual([1004]);
    // Each id whole, and its words.
    expect(read.get('item-2')).toEqual([1002]);
    expect(read.get('item')).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(read.get('3')).toEqual([1003]);
  });

  it('writes a lone item past one varint byte, and many items, as the page reads them', () => {
    const index = new WordIndex();
    for (let k = 0; k < 300; k++) index.add(k * 1000, `id${k}`, [k % 2 ? 'odd' : 'even', k === 299 ? 'last' : '']);
    const read = readWordIndex(index.bytes());
    expect(read.get('last')).toEqual([299_000]);
    expect(read.get('id150')).toEqual([150_000]);
    expect(read.get('odd')).toEqual(Array.from({ length: 150 }, (_, i) => (2 * i + 1) * 1000));
    expect(read.size).toBe(300 + 3);
  });
});
