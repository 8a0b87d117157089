/**
 * Response cache: one JSON file per response under `<dir>/<hash of endpoint>/<2 hex>/<key>.json`. The key is the
 * sha256 of (endpoint, the system's model/KB config, the full request), so a cached answer is only reused for
 * exactly the same call to exactly the same endpoint; two emulators on different ports never share entries.
 * Files are written to a temporary name and renamed, so a killed run never leaves a half-written entry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetRequest, TargetResponse } from '../targets/types.js';

export interface CacheOptions {
  dir: string;
  endpointKey: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Stable JSON: object keys sorted, so key order in a config never changes the cache key. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

export class ResponseCache {
  readonly root: string;
  private readonly endpointKey: string;

  constructor(opts: CacheOptions) {
    this.endpointKey = opts.endpointKey;
    this.root = join(opts.dir, sha256(opts.endpointKey).slice(0, 16));
    mkdirSync(this.root, { recursive: true });
    const label = join(this.root, 'endpoint.txt');
    if (!existsSync(label)) writeFileSync(label, `${opts.endpointKey}\n`);
  }

  keyOf(targetConfig: unknown, request: TargetRequest): string {
    return sha256(stableStringify({ endpoint: this.endpointKey, target: targetConfig, request }));
  }

  private pathOf(key: string): string {
    return join(this.root, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<TargetResponse | undefined> {
    try {
      const parsed = JSON.parse(await readFile(this.pathOf(key), 'utf8')) as { key?: string; response?: TargetResponse };
      return parsed.key === key && parsed.response && typeof parsed.response.output === 'string' ? parsed.response : undefined;
    } catch {
      return undefined; // missing or unreadable: a miss
    }
  }

  async set(key: string, response: TargetResponse): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(join(this.root, key.slice(0, 2)), { recursive: true });
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify({ key, response }));
    await rename(tmp, path);
  }
}
