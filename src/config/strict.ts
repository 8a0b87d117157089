/**
 * Unknown keys are errors: zod strips keys it does not know, so `concurency: 64` or `categroy:` in a gate rule would
 * be dropped silently and the run would go on with defaults. This walks the input against the schema's shape (so
 * keys other lanes add to the schema are known without touching this file) and reports every unknown key with its
 * path and the nearest known name.
 */
import type { z } from 'zod';

export interface UnknownKey {
  path: PropertyKey[];
  key: string;
  known: string[];
  suggestion?: string;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  catchall?: z.ZodType;
  getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Peels optional/default/nullable/pipe wrappers down to the schema that decides the shape. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const d = defOf(s);
    if ((d.type === 'optional' || d.type === 'default' || d.type === 'nullable' || d.type === 'prefault' || d.type === 'readonly' || d.type === 'catch') && d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else if (d.type === 'lazy' && d.getter) s = d.getter();
    else break;
  }
  return s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function findUnknownKeys(schema: z.ZodType, data: unknown, path: PropertyKey[] = []): UnknownKey[] {
  const s = unwrap(schema);
  const d = defOf(s);
  if (d.type === 'object' && d.shape && isPlainObject(data)) {
    if (d.catchall && defOf(d.catchall).type !== 'never') return [];
    const known = Object.keys(d.shape);
    const out: UnknownKey[] = [];
    for (const [key, value] of Object.entries(data)) {
      const child = d.shape[key];
      if (!child) out.push({ path: [...path, key], key, known, suggestion: nearest(key, known) });
      else out.push(...findUnknownKeys(child, value, [...path, key]));
    }
    return out;
  }
  if (d.type === 'array' && d.element && Array.isArray(data)) {
    return data.flatMap((item, i) => findUnknownKeys(d.element!, item, [...path, i]));
  }
  if (d.type === 'record' && d.valueType && isPlainObject(data)) {
    return Object.entries(data).flatMap(([k, v]) => findUnknownKeys(d.valueType!, v, [...path, k]));
  }
  if (d.type === 'union' && d.options && isPlainObject(data)) {
    // A key is unknown only if no object branch knows it; report against the branch that fits best.
    const results = d.options.map((o) => findUnknownKeys(o, data, path));
    return results.reduce((best, r) => (r.length < best.length ? r : best), results[0] ?? []);
  }
  return [];
}

/** Levenshtein distance, case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/** The closest known key when it is close enough to be a typo (or differs only in case). */
export function nearest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(key, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(key.length, best.length) / 3));
  return bestD <= limit ? best : undefined;
}

export function describeUnknownKey(u: UnknownKey): string {
  const hint = u.suggestion ? `did you mean "${u.suggestion}"?` : `known keys here: ${u.known.join(', ')}`;
  return `unknown key "${u.key}" (${hint})`;
}
