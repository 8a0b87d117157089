/**
 * From log files to the records a shadow run compares: parse every record (bad ones are counted with file and line,
 * never fatal), keep those that pass the filters (model id, operation, time window), drop duplicate request ids, and
 * sample reproducibly: the N records with the smallest seeded hash of their request id, so the sample does not depend
 * on file order, and a larger N keeps every record a smaller N chose.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../util/errors.js';
import { OPERATIONS, parseBodies, parseEnvelope, RecordProblem, RecordSkipped, type BodyFetcher, type Envelope, type ShadowRecord } from './records.js';
import { recordsOf, type LogFile } from './sources.js';

export interface SelectOptions {
  /** Keep records of this model id (exact, as logged). Required when the logs hold more than one model. */
  modelId?: string;
  operations?: readonly string[];
  /** ISO 8601 times; `since` inclusive, `until` exclusive. */
  since?: string;
  until?: string;
  sample?: number;
  seed: number;
  fetchBody?: BodyFetcher;
}

export interface LeftOut {
  file: string;
  line: number;
  reason: string;
}

export interface Selection {
  files: number;
  records: number;
  /** Passed every filter, before sampling (the traffic the cost and volume figures describe). */
  usable: ShadowRecord[];
  /** What the run replays: the sample of `usable`, in time order. */
  selected: ShadowRecord[];
  modelId: string;
  operations: string[];
  bad: { count: number; byReason: Record<string, number>; examples: LeftOut[] };
  skipped: Record<string, number>;
  skippedExamples: LeftOut[];
}

const MAX_EXAMPLES = 50;

function parseTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || !Number.isFinite(t)) throw new InputError(`not an ISO 8601 date or time: ${JSON.stringify(value)}`, { field });
  return t;
}

export async function selectRecords(files: readonly LogFile[], opts: SelectOptions): Promise<Selection> {
  const since = parseTime(opts.since, 'since');
  const until = parseTime(opts.until, 'until');
  if (since !== undefined && until !== undefined && until <= since) throw new InputError('--until must be after --since', { field: 'until' });
  const operations = opts.operations?.length ? [...opts.operations] : [...OPERATIONS];
  for (const op of operations) {
    if (!(OPERATIONS as readonly string[]).includes(op)) throw new InputError(`unknown operation "${op}"; known: ${OPERATIONS.join(', ')}`, { field: 'operation' });
  }
  if (opts.sample !== undefined && !(Number.isInteger(opts.sample) && opts.sample >= 1)) throw new InputError('--sample must be a whole number of at least 1', { field: 'sample' });

  const bad: Selection['bad'] = { count: 0, byReason: {}, examples: [] };
  const skipped: Record<string, number> = {};
  const skippedExamples: LeftOut[] = [];
  const noteBad = (file: string, line: number, kind: string, reason: string) => {
    bad.count++;
    bad.byReason[kind] = (bad.byReason[kind] ?? 0) + 1;
    if (bad.examples.length < MAX_EXAMPLES) bad.examples.push({ file, line, reason });
  };
  const noteSkip = (file: string, line: number, kind: string, reason: string) => {
    skipped[kind] = (skipped[kind] ?? 0) + 1;
    if (skippedExamples.length < MAX_EXAMPLES) skippedExamples.push({ file, line, reason });
  };

  let records = 0;
  const envelopes: { env: Envelope; file: string; line: number }[] = [];
  for (const file of files) {
    for (const raw of recordsOf(file.name, await file.read())) {
      records++;
      if (raw.parseError) {
        noteBad(raw.file, raw.line, 'invalid-json', raw.parseError);
        continue;
      }
      try {
        envelopes.push({ env: parseEnvelope(raw.value), file: raw.file, line: raw.line });
      } catch (err) {
        if (err instanceof RecordProblem) noteBad(raw.file, raw.line, err.kind, err.message);
        else if (err instanceof RecordSkipped) noteSkip(raw.file, raw.line, err.kind, err.message);
        else throw err;
      }
    }
  }

  const models = countModels(envelopes.map((e) => e.env.modelId));
  if (!opts.modelId && models.size > 1) {
    const list = [...models.entries()].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} (${n})`).join(', ');
    throw new InputError(`the logs hold calls to ${models.size} models: ${list}; say which is production with --model-id`, { field: 'model-id' });
  }
  const modelId = opts.modelId ?? [...models.keys()][0];
  const seen = new Set<string>();
  const usable: ShadowRecord[] = [];
  for (const { env, file, line } of envelopes) {
    if (env.modelId !== modelId) noteSkip(file, line, 'other-model', `model ${env.modelId}, not ${modelId}`);
    else if (!operations.includes(env.operation)) noteSkip(file, line, 'other-operation', `operation ${env.operation} is filtered out`);
    else if ((since !== undefined && env.time < since) || (until !== undefined && env.time >= until)) noteSkip(file, line, 'outside-window', `timestamp ${env.timestamp} is outside the window`);
    else if (seen.has(env.requestId)) noteSkip(file, line, 'duplicate', `request ${env.requestId} was already read`);
    else {
      try {
        usable.push(await parseBodies(env, { file, line }, opts.fetchBody));
        seen.add(env.requestId);
      } catch (err) {
        if (err instanceof RecordSkipped) noteSkip(file, line, err.kind, err.message);
        else if (err instanceof RecordProblem) noteBad(file, line, err.kind, err.message);
        else throw err;
      }
    }
  }
  usable.sort((a, b) => a.time - b.time || (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0));
  const selected = opts.sample !== undefined && opts.sample < usable.length ? sampleOf(usable, opts.sample, opts.seed) : usable;
  return { files: files.length, records, usable, selected, modelId: modelId ?? '', operations, bad, skipped, skippedExamples };
}

function countModels(ids: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

function rank(seed: number, requestId: string): string {
  return createHash('sha256').update(`${seed}\u0000${requestId}`).digest('hex');
}

/** The n records with the smallest seeded hash, returned in time order. */
export function sampleOf(records: readonly ShadowRecord[], n: number, seed: number): ShadowRecord[] {
  const ranked = records.map((r) => ({ r, k: rank(seed, r.requestId) }));
  ranked.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const keep = new Set(ranked.slice(0, n).map((x) => x.r));
  return records.filter((r) => keep.has(r));
}
