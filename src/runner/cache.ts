/**
 * Response cache: one append-only store, `<dir>/responses.log` (./cache-store.ts). The key is the sha256 of
 * (endpoint, the system's model/KB config, the full request), so a cached answer is only reused for exactly the
 * same call to exactly the same endpoint; two emulators on different ports never share entries.
 *
 * The previous layout (one JSON file per response under `<dir>/<hash of endpoint>/<2 hex>/<key>.json`) is still read:
 * a miss in the store looks there, and a hit is copied into the store. `ftrag cache stats` counts those files and
 * `ftrag cache prune` deletes them.
 */
import { hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetRequest, TargetResponse } from '../targets/types.js';
import { CacheStore } from '../util/cache-store.js';

/** The store's name in the cache directory. */
export const RESPONSE_STORE = 'responses';

export interface CacheOptions {
  dir: string;
  endpointKey: string;
}

function sha256(text: string): string {
  // One-shot crypto.hash (Node >= 20.12): the same digest without a Hash object per key.
  return hash('sha256', text, 'hex');
}

/**
 * Stable JSON: object keys sorted, so key order in a config never changes the cache key. Built with plain loops
 * (no entries/filter/map arrays per object): it runs on every call's request, and the text must never change, since
 * it is what existing caches are keyed by (a key pinned in test/runner/cache-key.test.ts).
 */
export function stableStringify(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + stableStringify(value[i]);
    return `${out}]`;
  }
  // Default sort compares UTF-16 code units, the order `a < b` gives.
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${stableStringify(v)}`;
    first = false;
  }
  return `${out}}`;
}

function isResponse(value: unknown): value is TargetResponse {
  return typeof value === 'object' && value !== null && typeof (value as TargetResponse).output === 'string';
}

export class ResponseCache {
  readonly store: CacheStore<TargetResponse>;
  /** The previous layout's directory for this endpoint, read through (and copied into the store) when present. */
  private readonly legacyRoot: string | undefined;
  private readonly endpointKey: string;

  constructor(opts: CacheOptions) {
    this.endpointKey = opts.endpointKey;
    this.store = new CacheStore<TargetResponse>(opts.dir, RESPONSE_STORE, isResponse);
    const legacy = join(opts.dir, sha256(opts.endpointKey).slice(0, 16));
    this.legacyRoot = existsSync(legacy) ? legacy : undefined;
  }

  keyOf(targetConfig: unknown, request: TargetRequest): string {
    // stableStringify({ endpoint, target, request }) spelled out (keys in sorted order), with the target's part, the
    // same object for every call of a system, serialized once: the same keys as ever, at a fraction of the cost.
    const target = targetConfig === undefined ? '' : `,"target":${this.stableTarget(targetConfig)}`;
    return sha256(`{"endpoint":${JSON.stringify(this.endpointKey)},"request":${stableStringify(request)}${target}}`);
  }

  private readonly targetStrings = new WeakMap<object, string>();

  private stableTarget(config: unknown): string {
    if (config === null || typeof config !== 'object') return stableStringify(config);
    let s = this.targetStrings.get(config);
    if (s === undefined) this.targetStrings.set(config, (s = stableStringify(config)));
    return s;
  }

  async get(key: string): Promise<TargetResponse | undefined> {
    const hit = this.store.get(key);
    if (hit || !this.legacyRoot) return hit;
    try {
      const parsed = JSON.parse(await readFile(join(this.legacyRoot, key.slice(0, 2), `${key}.json`), 'utf8')) as { key?: string; response?: unknown };
      if (parsed.key !== key || !isResponse(parsed.response)) return undefined;
      this.store.set(key, parsed.response);
      return parsed.response;
    } catch {
      return undefined; // missing or unreadable: a miss
    }
  }

  async set(key: string, response: TargetResponse): Promise<void> {
    this.store.set(key, response);
  }

  close(): void {
    this.store.close();
  }
}
