/**
 * `ftrag cache stats|prune`: what the cache directory holds (the append-only stores, and files left by the previous
 * one-file-per-entry layout) and pruning it. Stores are found by name (`*.log`) in the directory and one level
 * down (`scores/` holds the metric caches); the previous layout's files are recognised by their shape only.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CacheStore, type StoreStats } from '../util/cache-store.js';

export interface LegacyFiles {
  files: number;
  bytes: number;
  /** Directories of the previous layout, removed by prune. */
  dirs: string[];
}

export interface CacheReport {
  dir: string;
  stores: StoreStats[];
  legacy: LegacyFiles;
}

const HEX16 = /^[0-9a-f]{16}$/;
const ENTRY_FILE = /^[0-9a-f]{64}\.json$/;

function storeFiles(dir: string): { dir: string; name: string }[] {
  const found: { dir: string; name: string }[] = [];
  for (const base of [dir, join(dir, 'scores')]) {
    if (!existsSync(base)) continue;
    for (const f of readdirSync(base).sort()) if (f.endsWith('.log')) found.push({ dir: base, name: f.slice(0, -4) });
  }
  return found;
}

function walk(dir: string, visit: (file: string) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, visit);
    else if (entry.isFile()) visit(path);
  }
}

/** Directories of the previous layout: `<dir>/<16 hex>/` with endpoint.txt, and `<dir>/scores/<namespace>/` of `<key>.json` files. */
function legacyFiles(dir: string): LegacyFiles {
  const dirs: string[] = [];
  if (existsSync(dir)) {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && HEX16.test(e.name) && existsSync(join(dir, e.name, 'endpoint.txt'))) dirs.push(join(dir, e.name));
    }
  }
  const scores = join(dir, 'scores');
  if (existsSync(scores)) {
    for (const e of readdirSync(scores, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const files = readdirSync(join(scores, e.name));
      if (files.length && files.every((f) => ENTRY_FILE.test(f))) dirs.push(join(scores, e.name));
    }
  }
  let files = 0;
  let bytes = 0;
  for (const d of dirs)
    walk(d, (f) => {
      files++;
      bytes += statSync(f).size;
    });
  return { files, bytes, dirs: dirs.sort() };
}

export function cacheStats(dir: string): CacheReport {
  return { dir, stores: storeFiles(dir).map((s) => new CacheStore(s.dir, s.name).stats()), legacy: legacyFiles(dir) };
}

export interface PruneOptions {
  /** Drop entries written before this time (ms since the epoch). */
  olderThan?: number;
  /** Cap on each store's size in bytes (oldest entries go first). */
  maxBytes?: number;
}

/** Compacts every store (one record per key), applies the age and size limits, and deletes the previous layout's files. */
export function pruneCache(dir: string, options: PruneOptions): { before: CacheReport; after: CacheReport } {
  const before = cacheStats(dir);
  for (const s of storeFiles(dir)) {
    const store = new CacheStore(s.dir, s.name);
    store.prune(options);
    store.close();
  }
  for (const d of before.legacy.dirs) rmSync(d, { recursive: true, force: true });
  return { before, after: cacheStats(dir) };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export function renderCacheReport(report: CacheReport): string {
  const lines = [`cache ${report.dir}`];
  if (!report.stores.length && !report.legacy.files) lines.push('  empty');
  for (const s of report.stores) {
    const span = s.oldest ? `, written ${s.oldest.slice(0, 10)} .. ${s.newest!.slice(0, 10)}` : '';
    lines.push(`  ${s.file}: ${s.entries} entries, ${mb(s.bytes)}${s.reclaimableBytes ? ` (${mb(s.reclaimableBytes)} reclaimable by prune)` : ''}${span}`);
  }
  if (report.legacy.files) {
    lines.push(`  previous one-file-per-entry layout: ${report.legacy.files} files, ${mb(report.legacy.bytes)} (read through on a miss; prune deletes them)`);
  }
  return `${lines.join('\n')}\n`;
}
