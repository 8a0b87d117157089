import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResponseCache, stableStringify } from '../../src/runner/cache.js';

const dir = mkdtempSync(join(tmpdir(), 'ftrag-cache-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('response cache keys', () => {
  // Existing caches are keyed by these digests: a change to how requests are serialized would turn every entry into a miss.
  it('are the digests existing caches were written with', () => {
    const cache = new ResponseCache({ dir, endpointKey: 'url:http://127.0.0.1:4566|us-east-1' });
    const config = { id: 'base-1', kind: 'base', modelId: 'amazon.nova-micro-v1:0', inference: { maxTokens: 256, temperature: 0, system: undefined }, z: [1, undefined, 'ä"\n'] };
    const request = { itemId: 'q1', prompt: 'What is "x"?\u2028', system: 'Be brief', history: [{ role: 'user' as const, text: 'hi' }], maxTokens: undefined, requestMetadata: { b: '2', a: '1', B: '0' } };
    expect(cache.keyOf(config, request)).toBe('cbf0ad5d999496171a739b0adecc39d023e596acd571e1ffa92973db5d73217b');
    expect(cache.keyOf(undefined, { itemId: 'q2', prompt: 'p' })).toBe('633198895556a1a5b77dc50eb68fead3fc5b70885f360df3c5941bfe2dd37803');
    cache.close();
  });

  it('serialize with sorted keys, dropping undefined members and writing undefined array slots as null', () => {
    expect(stableStringify({ d: new Date(0), n: null, f: () => 1, x: [null, undefined, { y: undefined }], e: {}, num: 1.5e-7 })).toBe(
      '{"d":{},"e":{},"f":null,"n":null,"num":1.5e-7,"x":[null,null,{}]}',
    );
    expect(stableStringify({ b: 1, a: { d: 2, c: [3] } })).toBe(stableStringify({ a: { c: [3], d: 2 }, b: 1 }));
  });
});
