/**
 * loadEvalSet: one entry point for every eval-set format. The format is detected from the extension and the first
 * record unless given. Either the whole set loads or an InputError names file, line and field: nothing partial.
 */
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { InputError } from '../util/errors.js';
import { readCsvEvalSet } from './csv.js';
import { assertReadableFile, parseJsonObjectLine, readLines, sha256OfText } from './lines.js';
import {
  fromBedrockEvalRecord,
  fromBedrockFtRecord,
  fromConversationRecord,
  fromOurRecord,
  type DraftItem,
  type RecordContext,
} from './records.js';
import { readSquadV2 } from './squad.js';
import type { EvalItem, EvalSet, EvalSetFormat } from './types.js';

export const EVAL_SET_FORMATS: readonly EvalSetFormat[] = ['jsonl', 'csv', 'bedrock-eval', 'bedrock-ft', 'bedrock-conversation', 'squad-v2'];

export interface LoadEvalSetOptions {
  format?: EvalSetFormat;
  name?: string;
}

type JsonlFormat = 'jsonl' | 'bedrock-eval' | 'bedrock-ft' | 'bedrock-conversation';

const RECORD_READERS: Record<JsonlFormat, (obj: Record<string, unknown>, ctx: RecordContext) => DraftItem> = {
  jsonl: fromOurRecord,
  'bedrock-eval': fromBedrockEvalRecord,
  'bedrock-ft': fromBedrockFtRecord,
  'bedrock-conversation': fromConversationRecord,
};

/** Which JSONL dialect a record is written in, from its keys. */
export function detectRecordFormat(obj: Record<string, unknown>): JsonlFormat {
  if ('messages' in obj || 'schemaVersion' in obj) return 'bedrock-conversation';
  if ('referenceResponse' in obj) return 'bedrock-eval';
  if ('completion' in obj && !('reference' in obj) && !('references' in obj)) return 'bedrock-ft';
  return 'jsonl';
}

/** Generated ids are stable across runs: a hash of the prompt. */
export function generatedItemId(prompt: string): string {
  return `h-${sha256OfText(prompt).slice(0, 16)}`;
}

async function peek(file: string, bytes = 65536): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    await fh.close();
  }
}

/** 'csv', 'squad-v2', or undefined for the JSONL family (decided by the first record). */
async function detectFileFormat(file: string): Promise<'csv' | 'squad-v2' | undefined> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  const head = (await peek(file)).trimStart();
  if (head.startsWith('[')) {
    throw new InputError('a JSON array is not a supported eval set; write one JSON object per line (JSONL)', { file, line: 1 });
  }
  // A SQuAD file is one JSON document whose top-level keys are `version`/`data`; JSONL records never have `data`
  // as their first key, and a .json file whose first line is not a complete object cannot be JSONL.
  if (/^\{\s*"(version|data)"\s*:/.test(head)) return 'squad-v2';
  if (ext === '.json') {
    const firstLine = head.split('\n', 1)[0];
    try {
      JSON.parse(firstLine);
    } catch {
      return 'squad-v2';
    }
  }
  return undefined;
}

async function loadJsonlFamily(file: string, format: JsonlFormat | undefined): Promise<{ items: EvalItem[]; sha256: string; format: JsonlFormat }> {
  let sha256 = '';
  let detected = format;
  const ids = new IdAssigner(file);
  const items: EvalItem[] = [];
  for await (const { line, text } of readLines(file, { onHash: (h) => (sha256 = h) })) {
    if (text.trim() === '') continue;
    const obj = parseJsonObjectLine(text, file, line);
    detected ??= detectRecordFormat(obj);
    items.push(ids.assign(RECORD_READERS[detected](obj, { file, line }), line));
  }
  if (items.length === 0) throw new InputError('empty file: no records found', { file });
  return { items, sha256, format: detected ?? 'jsonl' };
}

/**
 * Gives each draft its id (the file's, or one generated from the prompt) in place, as records are read: the set is
 * held once, not as drafts and then as copies of them (at 100k items the drafts alone were a third of the load's peak).
 */
class IdAssigner {
  /** id -> the line it first appeared on, for the duplicate's message. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly file: string) {}

  assign(item: DraftItem, line: number): EvalItem {
    const generated = item.id === undefined;
    const id = item.id ?? generatedItemId(item.prompt);
    const first = this.seen.get(id);
    if (first !== undefined) {
      const why = generated ? ' (no id given and the prompt repeats line ' + first + '; give each item an "id")' : ` (first on line ${first})`;
      throw new InputError(`duplicate id "${id}"${why}`, { file: this.file, line, field: 'id' });
    }
    this.seen.set(id, line);
    item.id = id;
    return item as EvalItem;
  }
}

export async function loadEvalSet(path: string, opts: LoadEvalSetOptions = {}): Promise<EvalSet> {
  await assertReadableFile(path);
  if (opts.format !== undefined && !EVAL_SET_FORMATS.includes(opts.format)) {
    throw new InputError(`unknown eval-set format "${opts.format}"; use one of ${EVAL_SET_FORMATS.join(', ')}`, { field: 'format' });
  }
  const name = opts.name ?? basename(path, extname(path));
  const fileFormat = opts.format ?? (await detectFileFormat(path));

  if (fileFormat === 'squad-v2') {
    const { items, sha256 } = await readSquadV2(path);
    if (items.length === 0) throw new InputError('no questions found in "data"', { file: path, field: 'data' });
    const seen = new Set<string>();
    for (const it of items) {
      if (seen.has(it.id)) throw new InputError(`duplicate id "${it.id}"`, { file: path, field: 'id' });
      seen.add(it.id);
    }
    return { name, path, format: 'squad-v2', sha256, items };
  }
  if (fileFormat === 'csv') {
    const { rows, sha256 } = await readCsvEvalSet(path);
    if (rows.length === 0) throw new InputError('no records after the header row', { file: path });
    const ids = new IdAssigner(path);
    return { name, path, format: 'csv', sha256, items: rows.map((row) => ids.assign(row.item, row.line)) };
  }
  const { items, sha256, format } = await loadJsonlFamily(path, fileFormat);
  return { name, path, format, sha256, items };
}
