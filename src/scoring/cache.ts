/**
 * Memo for model-backed metrics (embeddings, judge replies): in memory always, and on disk when a cache
 * directory is given so re-scoring a saved run costs no model calls. Keys are sha256 of the full request.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheStore } from '../util/cache-store.js';

export class ResponseCache<T> {
  private readonly memory = new Map<string, T>();
  private readonly inflight = new Map<string, Promise<T>>();
  private readonly store: CacheStore<T> | undefined;

  /**
   * `namespace` keeps embedding and judge entries apart in a shared directory: each is one append-only store,
   * `<dir>/<namespace>.log` (src/util/cache-store.ts). The previous one-file-per-entry layout
   * (`<dir>/<namespace>/<key>.json`) is read through and copied into the store.
   */
  constructor(
    private readonly namespace: string,
    private readonly dir?: string,
  ) {
    this.store = dir ? new CacheStore<T>(dir, namespace) : undefined;
  }

  static key(parts: unknown): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  }

  /** The cached value for `key`, or the result of `compute` (computed once even under concurrent calls). */
  async getOrCompute(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.memory.get(key);
    if (hit !== undefined) return hit;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const promise = this.load(key, compute).finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  private async load(key: string, compute: () => Promise<T>): Promise<T> {
    const stored = this.store?.get(key) ?? (await this.legacy(key));
    if (stored !== undefined) {
      this.memory.set(key, stored);
      return stored;
    }
    const value = await compute();
    this.memory.set(key, value);
    this.store?.set(key, value);
    return value;
  }

  private async legacy(key: string): Promise<T | undefined> {
    if (!this.dir || !this.store) return undefined;
    try {
      const value = JSON.parse(await readFile(join(this.dir, this.namespace, `${key}.json`), 'utf8')) as T;
      this.store.set(key, value);
      return value;
    } catch {
      return undefined; // missing or unreadable: recompute
    }
  }
}
