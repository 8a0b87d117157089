/**
 * The response cache at scale: N responses written to and read back from the one-file store (src/util/cache-store.ts),
 * against the previous layout (one JSON file per entry, written to a temporary name and renamed), on the same
 * responses. Prints one JSON line per layout: {bench, case, entries, files, bytes, write_ms, read_ms}, a ratio line, and
 * the target line for bench/run-all.ts's table (the store's files, <= 1 meets).
 * The store's line also has what its index holds in memory once every entry has been read back (index_mb: heap plus
 * off-heap buffers reachable after a full GC, less what remains once the reader is dropped; index_bytes_per_entry) and the
 * process's peak RSS so far (peak_rss_mb): the part of a run's memory that grows with the cache.
 * Run: node --import tsx bench/scale-cache.bench.ts [entries]   (default 10000)
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheStore } from '../src/util/cache-store.js';
import { retainedBytes } from './lib/retained.js';

const n = Number(process.argv[2] ?? 10_000);
const key = (i: number) => createHash('sha256').update(`item ${i}`).digest('hex');
const response = (i: number) => ({ output: `answer ${i}: ${'word '.repeat(20 + (i % 40))}`, latencyMs: 100 + (i % 500), usage: { inputTokens: 120, outputTokens: 40 } });

function sizeOf(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += statSync(join(e.parentPath, e.name)).size;
  }
  return { files, bytes };
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

const emit = (r: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ bench: 'scale-cache', ...r, load1: Math.round(loadavg()[0] * 10) / 10 })}\n`);
const root = mkdtempSync(join(tmpdir(), 'ftrag-cache-bench-'));
try {
  const storeDir = join(root, 'store');
  let t = performance.now();
  const store = new CacheStore(storeDir, 'responses');
  for (let i = 0; i < n; i++) store.set(key(i), response(i));
  const storeWrite = performance.now() - t;
  store.close();
  const keys = Array.from({ length: n }, (_, i) => key(i));
  t = performance.now();
  let reader: CacheStore<{ output: string }> | undefined = new CacheStore<{ output: string }>(storeDir, 'responses');
  for (let i = 0; i < n; i++) if (!reader.get(keys[i])) throw new Error(`store lost entry ${i}`);
  const storeRead = performance.now() - t;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  // What the reader holds: reachable memory with it, less reachable memory once it is dropped.
  const withReader = retainedBytes();
  reader.close();
  reader = undefined;
  const indexBytes = withReader - retainedBytes();
  const storeSize = sizeOf(storeDir);
  emit({
    case: 'one append-only store',
    entries: n,
    ...storeSize,
    write_ms: Math.round(storeWrite),
    read_ms: Math.round(storeRead),
    index_mb: mb(indexBytes),
    index_bytes_per_entry: Math.round(indexBytes / n),
    peak_rss_mb: Math.round(peakRssMb),
  });

  const filesDir = join(root, 'files');
  t = performance.now();
  for (let i = 0; i < n; i++) {
    const k = key(i);
    mkdirSync(join(filesDir, k.slice(0, 2)), { recursive: true });
    const path = join(filesDir, k.slice(0, 2), `${k}.json`);
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify({ key: k, response: response(i) }));
    renameSync(tmp, path);
  }
  const filesWrite = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < n; i++) {
    const k = key(i);
    JSON.parse(readFileSync(join(filesDir, k.slice(0, 2), `${k}.json`), 'utf8'));
  }
  const filesRead = performance.now() - t;
  const filesSize = sizeOf(filesDir);
  emit({ case: 'one file per entry (previous layout)', entries: n, ...filesSize, write_ms: Math.round(filesWrite), read_ms: Math.round(filesRead) });
  emit({
    case: 'store / previous layout',
    files_ratio: Math.round((storeSize.files / filesSize.files) * 10000) / 10000,
    write_ratio: Math.round((storeWrite / filesWrite) * 100) / 100,
    read_ratio: Math.round((storeRead / filesRead) * 100) / 100,
  });
  // Issue 20's target for the cache, "one store", as a row of the closing table: files the store's entries take.
  emit({ case: `cache: ${n} entries in one store (target: 1 file)`, files: storeSize.files, ratio: storeSize.files, target: '<= 1' });
} finally {
  rmSync(root, { recursive: true, force: true });
}
