/**
 * convertDataset: one record shape in the middle (prompt, references, optional conversation turns, system, category,
 * id, contexts) read from any supported file and written in any supported format. Reading reuses the eval-set record
 * readers so a bad line is the same InputError (file, line, field) as everywhere else; writing refuses records the
 * target format cannot hold (a multi-turn conversation as prompt/completion, an empty answer as a training line)
 * naming the line they came from.
 */
import { basename, dirname, extname, join } from 'node:path';
import { InputError } from '../util/errors.js';
import { readCsvEvalSet } from './csv.js';
import { parseJsonObjectLine, readLines } from './lines.js';
import { rulesForModel, type DataFormat } from './model-limits.js';
import { fromBedrockEvalRecord, fromBedrockFtRecord, fromOurRecord, readConversation, type ConversationTurn, type RecordContext } from './records.js';
import { readSquadV2 } from './squad.js';

export const CONVERT_FORMATS = ['prompt-completion', 'bedrock-conversation-2024', 'claude-messages', 'bedrock-eval', 'jsonl', 'csv', 'squad-v2'] as const;
export type ConvertFormat = (typeof CONVERT_FORMATS)[number];

/** One record in the middle of a conversion. */
export interface NeutralRecord {
  /** Line it came from (absent for SQuAD JSON, whose records have ids instead). */
  line?: number;
  id?: string;
  prompt: string;
  references: string[];
  /** Full conversation when the source was one (so conversation -> conversation keeps every turn). */
  turns?: ConversationTurn[];
  system?: string;
  category?: string;
  contexts?: string[];
}

export interface ConversionResult {
  format: ConvertFormat;
  sourceFormat: ConvertFormat;
  records: number;
  text: string;
  /** Information lost on the way (system prompts dropped, extra references), with counts. */
  notes: string[];
}

/** The training format a base model's fine-tuning job accepts (reference/bedrock.md §4 via model-limits). */
export function trainingFormatForModel(modelId: string): ConvertFormat {
  const rules = rulesForModel(modelId);
  const format: DataFormat | undefined = rules?.formats['fine-tuning'];
  if (!rules || !format) throw new InputError(`no fine-tuning data format known for model "${modelId}"`, { field: 'model' });
  if (format === 'converse') return 'bedrock-conversation-2024';
  if (format === 'haiku-messages') return 'claude-messages';
  if (format === 'prompt-completion') return 'prompt-completion';
  throw new InputError(`${rules.family} fine-tuning uses "${format}", which ftrag cannot convert to`, { field: 'model' });
}

function detectJsonlRecord(obj: Record<string, unknown>): ConvertFormat {
  if ('messages' in obj || 'schemaVersion' in obj) {
    const first = Array.isArray(obj.messages) ? (obj.messages[0] as { content?: unknown } | undefined) : undefined;
    return typeof first?.content === 'string' || typeof obj.system === 'string' ? 'claude-messages' : 'bedrock-conversation-2024';
  }
  if ('referenceResponse' in obj) return 'bedrock-eval';
  if ('completion' in obj && !('reference' in obj) && !('references' in obj)) return 'prompt-completion';
  return 'jsonl';
}

function fromJsonlRecord(obj: Record<string, unknown>, format: ConvertFormat, ctx: RecordContext): NeutralRecord {
  const line = ctx.line;
  if (format === 'bedrock-conversation-2024' || format === 'claude-messages') {
    const { system, turns } = readConversation(obj, ctx);
    let last = -1;
    for (let i = turns.length - 1; i >= 0; i--) if (turns[i].role === 'assistant') { last = i; break; }
    if (last < 0) throw new InputError('needs an assistant turn', { ...ctx, field: 'messages' });
    const prompt = turns.slice(0, last).filter((t) => t.role === 'user').map((t) => t.text).join('\n\n');
    if (prompt.trim() === '') throw new InputError('needs a non-empty user turn before the last assistant turn', { ...ctx, field: 'messages' });
    return { line, prompt, references: [turns[last].text], turns: turns.slice(0, last + 1), system: system || undefined };
  }
  const draft = format === 'bedrock-eval' ? fromBedrockEvalRecord(obj, ctx) : format === 'prompt-completion' ? fromBedrockFtRecord(obj, ctx) : fromOurRecord(obj, ctx);
  return { line, id: draft.id, prompt: draft.prompt, references: draft.references, system: draft.system, category: draft.category, contexts: draft.contexts };
}

/** Which convertible format a file looks like, from its extension and first record (undefined when none fits). */
export async function detectConvertibleFormat(file: string): Promise<ConvertFormat | undefined> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  try {
    for await (const { text } of readLines(file)) {
      if (text.trim() === '') continue;
      const obj: unknown = JSON.parse(text);
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
      if ('data' in obj || 'version' in obj) return 'squad-v2';
      return detectJsonlRecord(obj as Record<string, unknown>);
    }
  } catch {
    return ext === '.json' ? 'squad-v2' : undefined;
  }
  return undefined;
}

/** Reads any supported file (format detected from the extension and the first record) into neutral records. */
export async function readConvertible(file: string): Promise<{ format: ConvertFormat; records: NeutralRecord[] }> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') {
    const { rows } = await readCsvEvalSet(file);
    return { format: 'csv', records: rows.map(({ line, item }) => ({ line, ...item })) };
  }
  if (ext === '.json') {
    const { items } = await readSquadV2(file);
    // A paragraph with no text (as written for questions that had no context) is no gold passage.
    return { format: 'squad-v2', records: items.map((i) => (i.contexts?.every((c) => c === '') ? { ...i, contexts: undefined } : i)) };
  }
  let format: ConvertFormat | undefined;
  const records: NeutralRecord[] = [];
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === '') continue;
    const obj = parseJsonObjectLine(text, file, line);
    format ??= detectJsonlRecord(obj);
    records.push(fromJsonlRecord(obj, format, { file, line }));
  }
  if (!format || records.length === 0) throw new InputError('empty file: no records found', { file });
  return { format, records };
}

type Writer = (r: NeutralRecord, fail: (field: string, message: string) => never, note: (what: string) => void) => unknown;

function singleTurn(r: NeutralRecord, fail: (field: string, message: string) => never): { prompt: string; completion: string } {
  if (r.turns && r.turns.length > 2) fail('messages', `a conversation of ${r.turns.length} turns cannot be written as one prompt and one completion`);
  const completion = r.references[0] ?? '';
  if (completion.trim() === '') fail('completion', 'the answer is empty; a training record needs a non-empty completion');
  return { prompt: r.prompt, completion };
}

function turnsOf(r: NeutralRecord, fail: (field: string, message: string) => never, note: (what: string) => void): ConversationTurn[] {
  if (r.turns) return r.turns;
  const { prompt, completion } = singleTurn(r, fail);
  if (r.references.length > 1) note('only the first of several references became the assistant turn');
  return [{ role: 'user', text: prompt }, { role: 'assistant', text: completion }];
}

const JSONL_WRITERS: Record<Exclude<ConvertFormat, 'csv' | 'squad-v2'>, Writer> = {
  'prompt-completion': (r, fail, note) => {
    if (r.system) note('system prompts were dropped ({prompt, completion} has no system field)');
    if (r.references.length > 1) note('only the first of several references became the completion');
    return singleTurn(r, fail);
  },
  'bedrock-conversation-2024': (r, fail, note) => ({
    schemaVersion: 'bedrock-conversation-2024',
    ...(r.system ? { system: [{ text: r.system }] } : {}),
    messages: turnsOf(r, fail, note).map((t) => ({ role: t.role, content: [{ text: t.text }] })),
  }),
  'claude-messages': (r, fail, note) => ({
    ...(r.system ? { system: r.system } : {}),
    messages: turnsOf(r, fail, note).map((t) => ({ role: t.role, content: t.text })),
  }),
  'bedrock-eval': (r, _fail, note) => {
    if (r.references.length > 1) note('only the first of several references became referenceResponse');
    if (r.system) note('system prompts were dropped (Bedrock evaluation records have none)');
    return { prompt: r.prompt, referenceResponse: r.references[0] ?? '', ...(r.category ? { category: r.category } : {}) };
  },
  jsonl: (r) => ({
    ...(r.id ? { id: r.id } : {}),
    prompt: r.prompt,
    ...(r.references.length === 1 ? { reference: r.references[0] } : { references: r.references }),
    ...(r.category ? { category: r.category } : {}),
    ...(r.system ? { system: r.system } : {}),
    ...(r.contexts ? { contexts: r.contexts } : {}),
  }),
};

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function writeCsv(records: NeutralRecord[]): string {
  const cols = ['id', 'prompt', 'references', 'category', 'system', 'contexts'].filter(
    (c) => c === 'prompt' || c === 'references' || records.some((r) => r[c as keyof NeutralRecord] !== undefined),
  );
  const cell = (r: NeutralRecord, c: string): string => {
    if (c === 'references') return r.references.length === 1 && !r.references[0].includes('|') ? r.references[0] : JSON.stringify(r.references);
    if (c === 'contexts') return r.contexts ? JSON.stringify(r.contexts) : '';
    return String(r[c as keyof NeutralRecord] ?? '');
  };
  return [cols.join(','), ...records.map((r) => cols.map((c) => csvCell(cell(r, c))).join(','))].join('\n') + '\n';
}

function writeSquad(records: NeutralRecord[]): string {
  const byTitle = new Map<string, Array<{ context: string; qas: unknown[] }>>();
  records.forEach((r, i) => {
    const title = r.category ?? 'converted';
    const context = (r.contexts ?? []).join('\n\n');
    const answers = r.references.filter((t) => t !== '').map((text) => ({ text, answer_start: context.indexOf(text) }));
    const paragraphs = byTitle.get(title) ?? [];
    byTitle.set(title, paragraphs);
    let para = paragraphs.find((p) => p.context === context);
    if (!para) paragraphs.push((para = { context, qas: [] }));
    para.qas.push({ id: r.id ?? `q${i + 1}`, question: r.prompt, answers, is_impossible: answers.length === 0 });
  });
  return JSON.stringify({ version: 'v2.0', data: [...byTitle].map(([title, paragraphs]) => ({ title, paragraphs })) }, null, 2) + '\n';
}

/** Writes `records` as `format`. The first record the format cannot hold is an InputError naming its source line. */
export function writeConverted(records: NeutralRecord[], format: ConvertFormat, sourceFile: string): { text: string; notes: string[] } {
  const notes = new Map<string, number>();
  const note = (what: string): void => void notes.set(what, (notes.get(what) ?? 0) + 1);
  const noteList = (): string[] => [...notes].map(([what, n]) => `${n} record(s): ${what}`);
  if (format === 'csv') return { text: writeCsv(records), notes: noteList() };
  if (format === 'squad-v2') return { text: writeSquad(records), notes: noteList() };
  const writer = JSONL_WRITERS[format];
  const lines = records.map((r) => {
    const fail = (field: string, message: string): never => {
      throw new InputError(`cannot convert to ${format}: ${message}`, { file: sourceFile, line: r.line, field: r.line === undefined && r.id ? `id ${r.id}: ${field}` : field });
    };
    return JSON.stringify(writer(r, fail, note));
  });
  return { text: lines.join('\n') + '\n', notes: noteList() };
}

export async function convertDataset(file: string, format: ConvertFormat): Promise<ConversionResult> {
  if (!CONVERT_FORMATS.includes(format)) throw new InputError(`unknown target format "${String(format)}"; use one of ${CONVERT_FORMATS.join(', ')}`, { field: 'to' });
  const { format: sourceFormat, records } = await readConvertible(file);
  const { text, notes } = writeConverted(records, format, file);
  return { format, sourceFormat, records: records.length, text, notes };
}

/** Default output path next to the input: `train.jsonl` -> `train.bedrock-conversation-2024.jsonl`. */
export function convertedPath(file: string, format: ConvertFormat): string {
  const ext = format === 'csv' ? '.csv' : format === 'squad-v2' ? '.json' : '.jsonl';
  return join(dirname(file), `${basename(file, extname(file))}.${format}${ext}`);
}
