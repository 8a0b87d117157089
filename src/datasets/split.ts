/**
 * Deterministic train / validation / test split that keeps duplicates together: records with the same normalized
 * prompt, or near-duplicate prompts (MinHash + LSH, confirmed by Jaccard), form one group and land on one side, so
 * the held-out set never shares a question with the training data. Output files keep the input's format: JSONL
 * lines and CSV records are copied verbatim.
 */
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parse, CsvError } from 'csv-parse';
import { InputError } from '../util/errors.js';
import { assertReadableFile, parseJsonObjectLine, readLines } from './lines.js';
import { NearDuplicateIndex, normalizeText } from './minhash.js';
import { toTrainingRecord } from './training.js';
import { mulberry32 } from '../util/random.js';

export interface SplitOptions {
  /** Share of records for the test set, 0 < test < 1. */
  test: number;
  /** Share for validation (default 0). */
  validation?: number;
  /** Field whose value defines strata (e.g. `category`); looked up at the top level, then under `metadata`. */
  stratify?: string;
  seed?: number;
  /** Output folder; default: the input's folder. */
  outDir?: string;
  /** Jaccard threshold for near-duplicate prompts (default 0.8). */
  nearDuplicateThreshold?: number;
}

type Side = 'train' | 'validation' | 'test';

export interface SplitResult {
  files: Partial<Record<Side, string>>;
  counts: Record<Side, number>;
  groups: number;
  /** Groups of more than one record (exact or near-duplicate prompts). */
  duplicateGroups: number;
  /** Records that share a group with at least one other record. */
  groupedRecords: number;
  strata: Record<string, Record<Side, number>>;
}

interface SplitRecord {
  raw: string;
  prompt: string;
  stratum: string;
}

function stratumOf(obj: Record<string, unknown>, field: string | undefined): string {
  if (!field) return '';
  const v = obj[field] ?? (obj.metadata && typeof obj.metadata === 'object' ? (obj.metadata as Record<string, unknown>)[field] : undefined);
  return v === undefined || v === null || v === '' ? '(none)' : String(v);
}

async function readJsonlRecords(file: string, stratify: string | undefined): Promise<SplitRecord[]> {
  const out: SplitRecord[] = [];
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === '') continue;
    const obj = parseJsonObjectLine(text, file, line);
    const prompt = typeof obj.prompt === 'string' && !('messages' in obj) ? obj.prompt : toTrainingRecord(obj, file, line).prompt;
    out.push({ raw: text, prompt, stratum: stratumOf(obj, stratify) });
  }
  return out;
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function readCsvRecords(file: string, stratify: string | undefined): Promise<{ header: string; records: SplitRecord[] }> {
  let columns: string[] = [];
  const parser = createReadStream(file).pipe(
    parse({ bom: true, info: true, raw: true, skip_empty_lines: true, columns: (h: string[]) => (columns = h.map((c) => c.trim())) }),
  );
  const records: SplitRecord[] = [];
  try {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; raw: string; info: { lines: number } }>) {
      const prompt = rec.record.prompt;
      if (prompt === undefined) throw new InputError('missing required column "prompt"', { file, line: 1, field: 'prompt' });
      records.push({ raw: rec.raw.replace(/\r?\n?$/, '').replace(/\r$/, ''), prompt, stratum: stratumOf(rec.record, stratify) });
    }
  } catch (err) {
    if (err instanceof CsvError) throw new InputError(`invalid CSV (${err.message})`, { file, line: (err as CsvError & { lines?: number }).lines });
    throw err;
  }
  return { header: columns.map(csvCell).join(','), records };
}

/** The split only needs reproducibility, not cryptographic quality. */
export const seededRandom = mulberry32;

/** Union-find groups of records whose prompts are equal after normalization or near-duplicates. */
export function duplicateGroups(prompts: string[], threshold = 0.8): number[][] {
  const parent = prompts.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const near = new NearDuplicateIndex(threshold);
  const exact = new Map<string, number>();
  prompts.forEach((p, i) => {
    const n = normalizeText(p);
    const seen = exact.get(n);
    // Ids must stay aligned with record positions; an exact repeat is added empty (it can never match) because
    // its first occurrence already stands for it.
    near.add(seen === undefined ? n : '');
    if (seen !== undefined) return union(seen, i);
    exact.set(n, i);
    for (const m of near.query(n, (j) => j !== i && find(j) !== find(i))) union(m.id, i);
  });
  const groups = new Map<number, number[]>();
  prompts.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  return [...groups.values()];
}

export async function splitDataset(file: string, opts: SplitOptions): Promise<SplitResult> {
  const validation = opts.validation ?? 0;
  if (!(opts.test > 0 && opts.test < 1)) throw new InputError(`--test must be between 0 and 1 (exclusive), got ${opts.test}`, { field: 'test' });
  if (!(validation >= 0 && validation < 1)) throw new InputError(`--validation must be between 0 and 1, got ${validation}`, { field: 'validation' });
  if (opts.test + validation >= 1) throw new InputError('--test plus --validation must leave some records for training', { field: 'validation' });
  await assertReadableFile(file);
  const isCsv = extname(file).toLowerCase() === '.csv';
  const { header, records } = isCsv ? await readCsvRecords(file, opts.stratify) : { header: undefined, records: await readJsonlRecords(file, opts.stratify) };
  if (records.length === 0) throw new InputError('empty file: no records to split', { file });

  const groups = duplicateGroups(records.map((r) => r.prompt), opts.nearDuplicateThreshold ?? 0.8);
  const byStratum = new Map<string, number[][]>();
  for (const g of groups) {
    const s = records[g[0]].stratum;
    const list = byStratum.get(s);
    if (list) list.push(g);
    else byStratum.set(s, [g]);
  }
  const random = seededRandom(opts.seed ?? 42);
  const side = new Array<Side>(records.length);
  const strata: SplitResult['strata'] = {};
  for (const s of [...byStratum.keys()].sort()) {
    const gs = byStratum.get(s)!;
    for (let i = gs.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [gs[i], gs[j]] = [gs[j], gs[i]];
    }
    const n = gs.reduce((acc, g) => acc + g.length, 0);
    const target = { test: Math.round(n * opts.test), validation: Math.round(n * validation) };
    const count: Record<Side, number> = { train: 0, validation: 0, test: 0 };
    for (const g of gs) {
      // A group goes where it brings the count closer to that side's target; whatever is left trains.
      const dTest = target.test - count.test;
      const dVal = target.validation - count.validation;
      let to: Side = 'train';
      if (dTest >= dVal && g.length <= 2 * dTest) to = 'test';
      else if (g.length <= 2 * dVal) to = 'validation';
      else if (g.length <= 2 * dTest) to = 'test';
      count[to] += g.length;
      for (const i of g) side[i] = to;
    }
    strata[s === '' ? '(all)' : s] = count;
  }

  const outDir = resolve(opts.outDir ?? dirname(file));
  await mkdir(outDir, { recursive: true });
  const ext = extname(file) || '.jsonl';
  const stem = basename(file, extname(file));
  const counts: Record<Side, number> = { train: 0, validation: 0, test: 0 };
  const files: SplitResult['files'] = {};
  for (const s of ['train', 'validation', 'test'] as Side[]) {
    if (s === 'validation' && validation === 0) continue;
    const lines = records.filter((_, i) => side[i] === s).map((r) => r.raw);
    counts[s] = lines.length;
    const out = join(outDir, `${stem}.${s}${ext}`);
    if (resolve(out) === resolve(file)) throw new InputError('output would overwrite the input file; choose another --out', { file });
    const body = (header !== undefined ? [header, ...lines] : lines).join('\n');
    await writeFile(out, body.length ? `${body}\n` : '');
    files[s] = out;
  }
  const multi = groups.filter((g) => g.length > 1);
  return { files, counts, groups: groups.length, duplicateGroups: multi.length, groupedRecords: multi.reduce((a, g) => a + g.length, 0), strata };
}
