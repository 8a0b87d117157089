/**
 * CSV eval sets: a header row with the same columns as our JSONL. `references` and `contexts` cells hold a JSON
 * array or `|`-separated values; `metadata` a JSON object; any other column is kept in metadata (spreadsheet
 * exports often carry extra columns).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parse, CsvError } from 'csv-parse';
import { InputError } from '../util/errors.js';
import { assertReadableFile, MAX_LINE_BYTES } from './lines.js';
import type { DraftItem, RecordContext } from './records.js';

const KNOWN = new Set(['id', 'prompt', 'reference', 'references', 'category', 'system', 'contexts', 'metadata']);

export interface CsvRow {
  line: number;
  item: DraftItem;
}

function listCell(value: string, field: string, ctx: RecordContext): string[] {
  const v = value.trim();
  if (v.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch (err) {
      throw new InputError(`looks like a JSON array but is not valid JSON (${(err as Error).message})`, { ...ctx, field });
    }
    if (!Array.isArray(parsed) || parsed.some((x) => typeof x !== 'string')) {
      throw new InputError('must be a JSON array of strings or |-separated text', { ...ctx, field });
    }
    return parsed as string[];
  }
  return value.split('|').map((s) => s.trim());
}

function toItem(row: Record<string, string>, columns: string[], ctx: RecordContext): DraftItem {
  const prompt = row.prompt ?? '';
  if (prompt.trim() === '') throw new InputError('must not be empty', { ...ctx, field: 'prompt' });
  let references: string[];
  const refs = row.references;
  if (refs !== undefined && refs.trim() !== '') references = listCell(refs, 'references', ctx);
  else references = [row.reference ?? ''];
  const item: DraftItem = { prompt, references };
  if (row.id !== undefined && row.id.trim() !== '') item.id = row.id.trim();
  if (row.category) item.category = row.category;
  if (row.system) item.system = row.system;
  if (row.contexts !== undefined && row.contexts.trim() !== '') item.contexts = listCell(row.contexts, 'contexts', ctx);
  const metadata: Record<string, unknown> = {};
  if (row.metadata !== undefined && row.metadata.trim() !== '') {
    let m: unknown;
    try {
      m = JSON.parse(row.metadata);
    } catch {
      throw new InputError('must be a JSON object', { ...ctx, field: 'metadata' });
    }
    if (m === null || typeof m !== 'object' || Array.isArray(m)) throw new InputError('must be a JSON object', { ...ctx, field: 'metadata' });
    Object.assign(metadata, m);
  }
  for (const col of columns) if (!KNOWN.has(col) && row[col] !== '') metadata[col] = row[col];
  if (Object.keys(metadata).length) item.metadata = metadata;
  return item;
}

/** Reads every row; returns the rows and the sha256 of the file's bytes. Throws an InputError on the first bad row. */
export async function readCsvEvalSet(file: string): Promise<{ rows: CsvRow[]; sha256: string }> {
  await assertReadableFile(file);
  const hash = createHash('sha256');
  const input = createReadStream(file);
  input.on('data', (chunk) => hash.update(chunk as Buffer));
  let columns: string[] = [];
  const parser = input.pipe(
    parse({
      bom: true,
      info: true,
      skip_empty_lines: true,
      trim: false,
      max_record_size: MAX_LINE_BYTES,
      columns: (header: string[]) => {
        columns = header.map((h) => h.trim());
        const ctx = { file, line: 1 };
        if (!columns.includes('prompt')) {
          throw new InputError(`missing required column "prompt" (columns found: ${columns.join(', ') || 'none'})`, { ...ctx, field: 'prompt' });
        }
        if (!columns.includes('reference') && !columns.includes('references')) {
          throw new InputError('missing required column "reference" (or "references")', { ...ctx, field: 'reference' });
        }
        const seen = new Set<string>();
        for (const c of columns) {
          if (seen.has(c)) throw new InputError(`column "${c}" appears twice in the header`, { ...ctx, field: c });
          seen.add(c);
        }
        return columns;
      },
    }),
  );
  const rows: CsvRow[] = [];
  try {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const ctx = { file, line: rec.info.lines };
      rows.push({ line: rec.info.lines, item: toItem(rec.record, columns, ctx) });
    }
  } catch (err) {
    input.destroy();
    if (err instanceof InputError) throw err;
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      const msg = err.message.replace(/ on line \d+$/, '');
      throw new InputError(`invalid CSV (${msg})`, { file, line });
    }
    throw err;
  }
  if (columns.length === 0) throw new InputError('empty file: expected a header row and at least one record', { file });
  return { rows, sha256: hash.digest('hex') };
}
