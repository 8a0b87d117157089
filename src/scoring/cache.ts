/**
 * Memo for model-backed metrics (embeddings, judge replies): in memory always, and on disk when a cache
 * directory is given so re-scoring a saved run costs no model calls. Keys are sha256 of the full request.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class ResponseCache<T> {
  private readonly memory = new Map<string, T>();
  private readonly inflight = new Map<string, Promise<T>>();

  /** `namespace` keeps embedding and judge entries apart in a shared directory. */
  constructor(
    private readonly namespace: string,
    private readonly dir?: string,
  ) {}

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
    const file = this.dir ? join(this.dir, this.namespace, `${key}.json`) : undefined;
    if (file) {
      try {
        const value = JSON.parse(await readFile(file, 'utf8')) as T;
        this.memory.set(key, value);
        return value;
      } catch {
        // Missing or unreadable entry: fall through and recompute.
      }
    }
    const value = await compute();
    this.memory.set(key, value);
    if (file && this.dir) {
      await mkdir(join(this.dir, this.namespace), { recursive: true });
      // Write-then-rename so a concurrent reader never sees half a file.
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(tmp, JSON.stringify(value));
      await rename(tmp, file);
    }
    return value;
  }
}
