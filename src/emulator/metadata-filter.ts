/**
 * Retrieve metadata filters (`vectorSearchConfiguration.filter`, Bedrock's RetrievalFilter) over the attributes that
 * `<document>.metadata.json` sidecars give each chunk. Filters apply before ranking, as on Bedrock: the top results
 * are the best-scoring chunks among those that pass.
 */
import { validation } from './http-util.js';

export type MetadataPredicate = (metadata: Record<string, unknown> | undefined) => boolean;

const COMPARISONS = ['equals', 'notEquals', 'greaterThan', 'greaterThanOrEquals', 'lessThan', 'lessThanOrEquals', 'in', 'notIn', 'startsWith', 'listContains', 'stringContains'] as const;
const LOGICAL = ['andAll', 'orAll'] as const;

/**
 * Sidecar attributes may be plain (`"year": 2021`) or typed (`"year": {"value": {"type": "NUMBER", "numberValue": 2021},
 * "includeForEmbedding": true}`); both become plain values.
 */
export function plainMetadata(attrs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs)) {
    const typed = v && typeof v === 'object' && !Array.isArray(v) ? ((v as Record<string, unknown>).value as Record<string, unknown> | undefined) : undefined;
    if (typed && typeof typed === 'object' && 'type' in typed) {
      out[k] = typed.stringValue ?? typed.numberValue ?? typed.booleanValue ?? typed.stringListValue;
    } else out[k] = v;
  }
  return out;
}

export function parseFilter(raw: unknown, field: string): MetadataPredicate {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must be an object`);
  const keys = Object.keys(raw as object);
  if (keys.length !== 1) throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have exactly one of ${[...COMPARISONS, ...LOGICAL].join(', ')}`);
  const op = keys[0];
  const arg = (raw as Record<string, unknown>)[op];
  if (op === 'andAll' || op === 'orAll') {
    if (!Array.isArray(arg) || arg.length < 2) {
      throw validation(`1 validation error detected: Value at '${field}.${op}' failed to satisfy constraint: Member must have length greater than or equal to 2`);
    }
    const parts = arg.map((f, i) => parseFilter(f, `${field}.${op}.${i + 1}.member`));
    return op === 'andAll' ? (m) => parts.every((p) => p(m)) : (m) => parts.some((p) => p(m));
  }
  if (!(COMPARISONS as readonly string[]).includes(op)) {
    throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have exactly one of ${[...COMPARISONS, ...LOGICAL].join(', ')}`);
  }
  const a = (arg ?? {}) as Record<string, unknown>;
  if (typeof a.key !== 'string' || a.key === '') throw validation(`1 validation error detected: Value null at '${field}.${op}.key' failed to satisfy constraint: Member must not be null`);
  if (a.value === undefined) throw validation(`1 validation error detected: Value null at '${field}.${op}.value' failed to satisfy constraint: Member must not be null`);
  const key = a.key;
  const want = a.value;
  if ((op === 'in' || op === 'notIn') && !Array.isArray(want)) throw validation(`The value of the ${op} filter on '${key}' must be a list.`);
  return (m) => compare(op as (typeof COMPARISONS)[number], m?.[key], want);
}

function compare(op: (typeof COMPARISONS)[number], have: unknown, want: unknown): boolean {
  switch (op) {
    case 'equals':
      return have !== undefined && same(have, want);
    case 'notEquals':
      return !same(have, want);
    case 'greaterThan':
      return num(have) !== undefined && num(want) !== undefined && num(have)! > num(want)!;
    case 'greaterThanOrEquals':
      return num(have) !== undefined && num(want) !== undefined && num(have)! >= num(want)!;
    case 'lessThan':
      return num(have) !== undefined && num(want) !== undefined && num(have)! < num(want)!;
    case 'lessThanOrEquals':
      return num(have) !== undefined && num(want) !== undefined && num(have)! <= num(want)!;
    case 'in':
      return have !== undefined && (want as unknown[]).some((w) => same(have, w));
    case 'notIn':
      return !(want as unknown[]).some((w) => same(have, w));
    case 'startsWith':
      return typeof have === 'string' && typeof want === 'string' && have.startsWith(want);
    case 'listContains':
      return Array.isArray(have) && have.some((h) => same(h, want));
    case 'stringContains':
      if (typeof want !== 'string') return false;
      if (typeof have === 'string') return have.includes(want);
      return Array.isArray(have) && have.some((h) => typeof h === 'string' && h.includes(want));
  }
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return num(a) !== undefined && num(a) === num(b);
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
