/**
 * Predictions produced outside ftrag: JSONL records `{id, output}` (or `prediction` / `answer`), a JSON array
 * of such records, or a JSON object `{id: answer}` as SQuAD's evaluate script takes.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../util/errors.js';

const OUTPUT_FIELDS = ['output', 'prediction', 'answer'] as const;

function fromRecord(rec: unknown, file: string, line: number | undefined, into: Map<string, string>): void {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
    throw new InputError('a prediction must be an object {"id": ..., "output": ...}', { file, line });
  }
  const r = rec as Record<string, unknown>;
  const id = typeof r.id === 'number' ? String(r.id) : r.id;
  if (typeof id !== 'string' || id === '') throw new InputError('missing or empty "id"', { file, line, field: 'id' });
  const field = OUTPUT_FIELDS.find((f) => f in r);
  if (field === undefined) throw new InputError(`no answer field (expected one of ${OUTPUT_FIELDS.join(', ')})`, { file, line, field: 'output' });
  const value = r[field];
  if (typeof value !== 'string') throw new InputError(`"${field}" must be a string`, { file, line, field });
  if (into.has(id)) throw new InputError(`duplicate prediction for id "${id}"`, { file, line, field: 'id' });
  into.set(id, value);
}

function isRecordShaped(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'id' in v && OUTPUT_FIELDS.some((f) => f in (v as object));
}

/** Reads predictions into id -> answer text. Errors name the file and, for JSONL, the line. */
export async function readPredictions(file: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read predictions: ${(err as Error).message}`, { file });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out = new Map<string, string>();
  const trimmed = text.trim();
  if (trimmed === '') throw new InputError('predictions file is empty', { file });

  let whole: unknown;
  let wholeParsed = false;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      whole = JSON.parse(trimmed);
      wholeParsed = true;
    } catch {
      // Not a single JSON document: JSONL, handled below.
    }
  }
  if (wholeParsed && Array.isArray(whole)) {
    for (const rec of whole) fromRecord(rec, file, undefined, out);
    return out;
  }
  if (wholeParsed && !isRecordShaped(whole)) {
    for (const [id, value] of Object.entries(whole as Record<string, unknown>)) {
      if (typeof value !== 'string') throw new InputError(`prediction for "${id}" must be a string`, { file, field: id });
      out.set(id, value);
    }
    return out;
  }
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (err) {
      throw new InputError(`not valid JSON: ${(err as Error).message}`, { file, line: i + 1 });
    }
    fromRecord(rec, file, i + 1, out);
  }
  return out;
}
