import { describe, expect, it } from 'vitest';
import { BASE85_ALPHABET, BASE85_PAGE_DECODER, decodeBase85, encodeBase85 } from '../../src/report/base85.js';
import { mulberry32 } from '../../src/util/random.js';

const rand = mulberry32(85);
const randomBytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
// The decoder the page runs, taken as the exact text it inlines (the page itself never evaluates strings).
const pageBytesOf = new Function(`${BASE85_PAGE_DECODER}\nreturn bytesOf;`)() as (text: string) => Uint8Array;

describe('base85 data blocks', () => {
  it('round-trips every tail length, extreme bytes and a large block, in node and in the page decoder', () => {
    const cases = [new Uint8Array(0), Uint8Array.from([255, 255, 255, 255, 255, 255, 255]), Uint8Array.from([0, 0, 0, 0, 0]), ...Array.from({ length: 12 }, (_, n) => randomBytes(n + 1)), randomBytes(100_003)];
    for (const bytes of cases) {
      const text = encodeBase85(bytes);
      expect(text.length).toBe(Math.floor(bytes.length / 4) * 5 + (bytes.length % 4 ? (bytes.length % 4) + 1 : 0));
      expect(new Uint8Array(decodeBase85(text))).toEqual(bytes);
      expect(pageBytesOf(`\n${text}\n`)).toEqual(bytes);
    }
  });

  it('writes only characters that cannot form markup or end a string', () => {
    expect(new Set(BASE85_ALPHABET).size).toBe(85);
    expect(BASE85_ALPHABET).not.toMatch(/["&'<>\\`\s]/);
    expect(encodeBase85(randomBytes(4000))).toMatch(/^[!-~]+$/);
  });

  it('rejects text that is not a block, naming the character and where it is', () => {
    expect(() => decodeBase85('abc<e')).toThrow(/"<" at 3/);
    expect(() => decodeBase85('abcdef')).toThrow(/6 characters/);
  });
});
