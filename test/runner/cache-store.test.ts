import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheStats, pruneCache } from '../../src/runner/cache-admin.js';
import { ResponseCache, stableStringify } from '../../src/runner/cache.js';
import { CacheStore } from '../../src/util/cache-store.js';
import { createHash } from 'node:crypto';

const key = (s: string) => createHash('sha256').update(s).digest('hex');
const fresh = () => mkdtempSync(join(tmpdir(), 'ftrag-cache-'));
const STORE_MODULE = resolve(import.meta.dirname, '../../src/util/cache-store.ts');

function writer(dir: string, label: string, count: number): Promise<number> {
  const script = `import { CacheStore } from ${JSON.stringify(STORE_MODULE)};
import { createHash } from 'node:crypto';
const store = new CacheStore(${JSON.stringify(dir)}, 'responses');
for (let i = 0; i < ${count}; i++) {
  const k = createHash('sha256').update('${label}' + i).digest('hex');
  store.set(k, { output: '${label} answer ' + i + ' ' + 'x'.repeat(i % 300), latencyMs: i });
}
store.close();`;
  const file = join(dir, `writer-${label}.ts`);
  writeFileSync(file, script);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: resolve(import.meta.dirname, '../..'), stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code) => done(code ?? -1));
  });
}

describe('cache store (one append-only file)', () => {
  it('round-trips values, survives reopening and sees what another instance appended', () => {
    const dir = fresh();
    const a = new CacheStore<{ output: string }>(dir, 'responses');
    expect(a.get(key('q1'))).toBeUndefined();
    a.set(key('q1'), { output: 'one\nwith a newline and "quotes"' });
    const b = new CacheStore<{ output: string }>(dir, 'responses');
    expect(b.get(key('q1'))).toEqual({ output: 'one\nwith a newline and "quotes"' });
    b.set(key('q2'), { output: 'two' });
    expect(a.get(key('q2'))).toEqual({ output: 'two' }); // a's index picks up b's record
    expect(() => a.set('not-a-key', { output: 'x' })).toThrow(/sha256/);
    a.close();
    b.close();
  });

  it('finds its own records and another instance\'s whether or not others wrote in between', () => {
    const dir = fresh();
    const a = new CacheStore<{ output: string }>(dir, 'responses');
    const b = new CacheStore<{ output: string }>(dir, 'responses');
    a.set(key('first'), { output: 'first' });
    expect(a.get(key('first'))).toEqual({ output: 'first' }); // opens the reader: the whole file is read
    for (let i = 0; i < 50; i++) a.set(key(`own${i}`), { output: `own ${i}` });
    expect(a.get(key('own49'))).toEqual({ output: 'own 49' }); // only a's records since: indexed from memory
    expect(a.get(key('own0'))).toEqual({ output: 'own 0' });
    a.set(key('before'), { output: 'before b' });
    b.set(key('theirs'), { output: 'from b' });
    a.set(key('after'), { output: 'after b' });
    expect(a.get(key('after'))).toEqual({ output: 'after b' }); // b wrote in between: the growth is read back
    expect(a.get(key('theirs'))).toEqual({ output: 'from b' });
    expect(a.get(key('before'))).toEqual({ output: 'before b' });
    expect(a.get(key('never'))).toBeUndefined();
    a.close();
    b.close();
  });

  it('two processes writing at once lose and corrupt nothing', async () => {
    const dir = fresh();
    const codes = await Promise.all([writer(dir, 'A', 2000), writer(dir, 'B', 2000)]);
    expect(codes).toEqual([0, 0]);
    const store = new CacheStore<{ output: string; latencyMs: number }>(dir, 'responses');
    for (const label of ['A', 'B']) {
      for (let i = 0; i < 2000; i++) expect(store.get(key(label + i))?.output).toBe(`${label} answer ${i} ${'x'.repeat(i % 300)}`);
    }
    const stats = store.stats();
    expect(stats).toMatchObject({ entries: 4000, records: 4000, reclaimableBytes: 0 });
    const lines = readFileSync(store.file, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(4000);
  }, 120_000);

  it('a record torn by a killed writer costs only itself', () => {
    const dir = fresh();
    const store = new CacheStore<{ output: string }>(dir, 'responses');
    store.set(key('ok'), { output: 'kept' });
    store.close();
    appendFileSync(store.file, `${key('torn')} 1 {"output":"half`);
    const next = new CacheStore<{ output: string }>(dir, 'responses');
    next.set(key('after'), { output: 'after the torn one' });
    expect(next.get(key('ok'))).toEqual({ output: 'kept' });
    expect(next.get(key('torn'))).toBeUndefined();
    expect(next.get(key('after'))).toEqual({ output: 'after the torn one' });
  });

  it('a value that fails validation is a miss', () => {
    const dir = fresh();
    const store = new CacheStore<{ output: string }>(dir, 'responses', (v): v is { output: string } => typeof (v as { output?: unknown })?.output === 'string');
    const raw = new CacheStore<unknown>(dir, 'responses');
    raw.set(key('bad'), { output: 42 });
    expect(store.get(key('bad'))).toBeUndefined();
  });

  it('prune keeps the newest record per key, drops old entries and caps the size; open stores follow the new file', () => {
    const dir = fresh();
    const store = new CacheStore<{ output: string }>(dir, 'responses');
    store.set(key('dup'), { output: 'first' });
    store.set(key('dup'), { output: 'second' });
    for (let i = 0; i < 20; i++) store.set(key(`k${i}`), { output: `v${i}` });
    const before = store.stats();
    expect(before).toMatchObject({ entries: 21, records: 22 });
    expect(before.reclaimableBytes).toBeGreaterThan(0);
    const { after } = store.prune({});
    expect(after).toMatchObject({ entries: 21, records: 21, reclaimableBytes: 0 });
    expect(store.get(key('dup'))).toEqual({ output: 'second' });
    store.set(key('late'), { output: 'written after the prune' });
    expect(new CacheStore(dir, 'responses').get(key('late'))).toEqual({ output: 'written after the prune' });
    const capped = store.prune({ maxBytes: 500 });
    expect(capped.after.bytes).toBeLessThanOrEqual(500);
    expect(capped.after.entries).toBeGreaterThan(0);
    expect(store.prune({ olderThan: Date.now() + 60_000 }).after.entries).toBe(0);
  });

  it('indexes thousands of keys, each to its newest record, and counts them in stats', () => {
    const dir = fresh();
    const store = new CacheStore<{ output: string }>(dir, 'responses');
    for (let i = 0; i < 5000; i++) store.set(key(`many${i}`), { output: `first ${i}` });
    for (let i = 0; i < 5000; i += 7) store.set(key(`many${i}`), { output: `second ${i}` });
    const reader = new CacheStore<{ output: string }>(dir, 'responses');
    for (let i = 0; i < 5000; i++) expect(reader.get(key(`many${i}`))?.output).toBe(i % 7 === 0 ? `second ${i}` : `first ${i}`);
    expect(reader.get(key('never written'))).toBeUndefined();
    expect(reader.stats()).toMatchObject({ entries: 5000, records: 5000 + Math.ceil(5000 / 7) });
    reader.close();
    store.close();
  });

  it('two keys that share their first 64 bits cost a miss, never the other key\'s value', () => {
    const dir = fresh();
    const store = new CacheStore<{ output: string }>(dir, 'responses');
    const a = `${'ab'.repeat(8)}${'0'.repeat(48)}`;
    const b = `${'ab'.repeat(8)}${'f'.repeat(48)}`;
    store.set(a, { output: 'a' });
    store.set(b, { output: 'b' });
    const reader = new CacheStore<{ output: string }>(dir, 'responses');
    expect(reader.get(b)).toEqual({ output: 'b' });
    expect(reader.get(a)).toBeUndefined();
    reader.close();
    store.close();
  });

  it('lines that are not records are not indexed or counted', () => {
    const dir = fresh();
    const store = new CacheStore<{ output: string }>(dir, 'responses');
    store.set(key('real'), { output: 'real' });
    appendFileSync(store.file, `${'A'.repeat(64)} 1 {"output":"upper-case key"}\n${key('x')} 12x {"output":"bad time"}\nnot a record\n`);
    const reader = new CacheStore<{ output: string }>(dir, 'responses');
    expect(reader.get(key('real'))).toEqual({ output: 'real' });
    expect(reader.get(key('x'))).toBeUndefined();
    expect(reader.stats()).toMatchObject({ entries: 1, records: 1 });
    reader.close();
    store.close();
  });
});

describe('response cache on the store, and the previous layout', () => {
  it('keys an entry by sha256 of the stable JSON of endpoint, system config and request, as caches already written were', () => {
    const cache = new ResponseCache({ dir: fresh(), endpointKey: 'url:http://127.0.0.1:9|us-east-1' });
    const config = { type: 'bedrock-model', modelId: 'm', inference: { temperature: 0, maxTokens: 64, system: undefined } };
    for (const request of [{ itemId: 'q1', prompt: 'p' }, { prompt: 'p "quoted"\n', itemId: 'q2', maxTokens: 8, system: 's' }]) {
      for (const target of [config, { ...config }, undefined]) {
        const expected = key(stableStringify({ endpoint: 'url:http://127.0.0.1:9|us-east-1', target, request }));
        // Twice: the system's part is remembered per config object after the first key.
        expect(cache.keyOf(target, request as never)).toBe(expected);
        expect(cache.keyOf(target, request as never)).toBe(expected);
      }
    }
    cache.close();
  });

  it('reads an entry of the one-file-per-entry layout, copies it into the store, and prune removes the old files', async () => {
    const dir = fresh();
    const cache = new ResponseCache({ dir, endpointKey: 'emulator:http://127.0.0.1:1' });
    const k = cache.keyOf({ modelId: 'm' }, { itemId: 'q1', prompt: 'p' } as never);
    // The previous layout: <dir>/<sha256(endpoint) first 16 hex>/<2 hex>/<key>.json
    const legacyRoot = join(dir, createHash('sha256').update('emulator:http://127.0.0.1:1').digest('hex').slice(0, 16));
    mkdirSync(join(legacyRoot, k.slice(0, 2)), { recursive: true });
    writeFileSync(join(legacyRoot, 'endpoint.txt'), 'emulator:http://127.0.0.1:1\n');
    writeFileSync(join(legacyRoot, k.slice(0, 2), `${k}.json`), JSON.stringify({ key: k, response: { output: 'old answer', latencyMs: 5 } }));
    const reopened = new ResponseCache({ dir, endpointKey: 'emulator:http://127.0.0.1:1' });
    expect(await reopened.get(k)).toMatchObject({ output: 'old answer' });
    expect(cacheStats(dir).legacy.files).toBe(2);
    const { after } = pruneCache(dir, {});
    expect(after.legacy.files).toBe(0);
    const afterPrune = new ResponseCache({ dir, endpointKey: 'emulator:http://127.0.0.1:1' });
    expect(await afterPrune.get(k)).toMatchObject({ output: 'old answer' }); // now served by the store
    expect(after.stores.map((s) => s.entries)).toEqual([1]);
    cache.close();
  });
});
