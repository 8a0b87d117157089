/**
 * Continued pre-training data from a documents folder: the same files a Knowledge Base ingests (src/datasets/documents)
 * turned into Bedrock's `{"input": "<text>"}` records (reference/bedrock.md §4), each within the base model's
 * per-record token limit for the job's batch size. Records are packed from whole paragraphs, a paragraph too long
 * for one record is cut at sentence ends, a sentence too long at word boundaries: deterministic for the same folder.
 *
 * Tokens are counted with cl100k (src/util/tokenizer), not Titan's own tokenizer, so by default a record is filled
 * to 90% of the limit (TOKENIZER_MARGIN) and never beyond it.
 */
import { readFile } from 'node:fs/promises';
import { readTextDocuments, TEXT_DOCUMENT_EXTENSIONS, type TextDocument } from '../datasets/documents.js';
import { cptRecordLimit, defaultHyperParameters, type CptRecordLimit } from '../models/index.js';
import type { SystemSpec } from '../config/schema.js';
import { InputError } from '../util/errors.js';
import { countTokens } from '../util/tokenizer.js';

/** Share of the model's record limit a record is filled to: cl100k counts differ from Titan's tokenizer. */
export const TOKENIZER_MARGIN = 0.9;

export interface CptRecords {
  /** The JSONL uploaded as the job's training data. */
  text: string;
  records: number;
  /** Tokens over all records (cl100k). */
  tokens: number;
  documents: number;
  /** Most tokens a record was allowed to hold. */
  recordTokens: number;
  limit: CptRecordLimit | undefined;
  /** Records made from each document, by its path under the folder. */
  perDocument: { path: string; records: number }[];
}

export interface CptRecordOptions {
  baseModelId: string;
  batchSize: number;
  /** User's cap on tokens per record (training.recordTokens); never above the model's limit. */
  recordTokens?: number;
  /** Config field named in errors, e.g. `systems.cpt.training.fromDocuments`. */
  field?: string;
}

/** Every document under `folder` as `{"input"}` records. A document ftrag cannot use is an error naming its file. */
export async function cptRecordsFromDocuments(folder: string, opts: CptRecordOptions): Promise<CptRecords> {
  const { documents } = await readTextDocuments(folder, opts.field);
  if (documents.length === 0) {
    throw new InputError(`no documents to pre-train on (${[...TEXT_DOCUMENT_EXTENSIONS].join(' ')}) in ${folder}`, { file: folder, field: opts.field });
  }
  const limit = cptRecordLimit(opts.baseModelId, opts.batchSize);
  const cap = limit ? Math.floor(limit.tokens * TOKENIZER_MARGIN) : undefined;
  if (cap === undefined && opts.recordTokens === undefined) {
    throw new InputError(`ftrag knows no continued pre-training record limit for ${opts.baseModelId}; set training.recordTokens`, { field: opts.field });
  }
  const recordTokens = Math.min(opts.recordTokens ?? Infinity, cap ?? Infinity);
  const lines: string[] = [];
  const perDocument: CptRecords['perDocument'] = [];
  let tokens = 0;
  for (const doc of documents) {
    const text = documentText(doc, folder);
    const chunks = chunkForPretraining(text, recordTokens);
    for (const c of chunks) {
      lines.push(JSON.stringify({ input: c }));
      tokens += countTokens(c);
    }
    perDocument.push({ path: doc.path, records: chunks.length });
  }
  return { text: `${lines.join('\n')}\n`, records: lines.length, tokens, documents: documents.length, recordTokens, limit, perDocument };
}

/** The batch size the job will train with: the configured one or the family's default. */
export function cptBatchSize(training: NonNullable<SystemSpec['training']>): number {
  return Number(training.hyperParameters.batchSize ?? defaultHyperParameters(training.baseModelId).batchSize ?? 1);
}

/** The records of a system with `training.fromDocuments` (paths already resolved by the config loader or `resolvePath`). */
export function cptRecordsForSystem(spec: SystemSpec, resolvePath: (p: string) => string = (p) => p): Promise<CptRecords> {
  const training = spec.training!;
  return cptRecordsFromDocuments(resolvePath(training.fromDocuments!), {
    baseModelId: training.baseModelId,
    batchSize: cptBatchSize(training),
    recordTokens: training.recordTokens,
    field: `systems.${spec.id}.training.fromDocuments`,
  });
}

/** A document's text as records carry it: HTML/XML markup dropped; unreadable or empty files refused by name. */
function documentText(doc: TextDocument, folder: string): string {
  const file = `${folder.replace(/\/+$/, '')}/${doc.path}`;
  if (doc.text.includes('\u0000')) throw new InputError('is a binary file, not a text document (it holds NUL bytes)', { file });
  if (doc.text.includes('\uFFFD')) throw new InputError('is not valid UTF-8 text', { file });
  const text = /\.(html?|xml)$/i.test(doc.path) ? stripMarkup(doc.text) : doc.text;
  if (text.trim() === '') throw new InputError('has no text to pre-train on (empty document)', { file });
  return text.replace(/\r\n?/g, '\n');
}

function stripMarkup(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/(p|div|h[1-6]|li|tr|section|article|br)\s*>|<br\s*\/?>/gi, '\n\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n[ \t]+/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}

const SENTENCE_END = /(?<=[.!?]["')\]’”]?)\s+(?=["'(\[“‘]?[\p{Lu}\p{N}])/u;

/**
 * Records of at most `maxTokens` tokens: whole paragraphs packed greedily; a paragraph over the limit is split into
 * sentences (and a sentence over it into word runs), packed the same way. Paragraphs are joined by a blank line.
 */
export function chunkForPretraining(text: string, maxTokens: number): string[] {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const pieces: { text: string; tokens: number; sep: string }[] = [];
  for (const p of paragraphs) {
    const t = countTokens(p);
    if (t <= maxTokens) {
      pieces.push({ text: p, tokens: t, sep: '\n\n' });
      continue;
    }
    let first = true;
    for (const s of p.split('\n').flatMap((line) => line.split(SENTENCE_END))) {
      for (const part of splitSentence(s.trim(), maxTokens)) {
        if (part === '') continue;
        pieces.push({ text: part, tokens: countTokens(part), sep: first ? '\n\n' : ' ' });
        first = false;
      }
    }
  }
  const records: string[] = [];
  let current = '';
  for (const piece of pieces) {
    const joined = current === '' ? piece.text : `${current}${piece.sep}${piece.text}`;
    // Re-count the joined text: BPE counts are not exactly additive at the seams.
    if (current !== '' && countTokens(joined) > maxTokens) {
      records.push(current);
      current = piece.text;
    } else current = joined;
  }
  if (current !== '') records.push(current);
  return records;
}

/** A sentence within the limit as is; otherwise word runs that each fit (a single over-long word is cut by characters). */
function splitSentence(sentence: string, maxTokens: number): string[] {
  if (countTokens(sentence) <= maxTokens) return [sentence];
  const out: string[] = [];
  let current = '';
  for (const word of sentence.split(/\s+/)) {
    const joined = current === '' ? word : `${current} ${word}`;
    if (countTokens(joined) <= maxTokens) {
      current = joined;
      continue;
    }
    if (current !== '') out.push(current);
    current = '';
    let rest = word;
    while (countTokens(rest) > maxTokens) {
      let cut = rest.length;
      while (cut > 1 && countTokens(rest.slice(0, cut)) > maxTokens) cut = Math.floor(cut / 2) || 1;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = rest;
  }
  if (current !== '') out.push(current);
  return out;
}

/** Where a system's training data comes from: the JSONL it names, or the records made from its documents folder. */
export interface TrainingSource {
  text: string;
  /** The file (or folder, for fromDocuments) errors and counts name. */
  file: string;
  field: string;
  fromDocuments?: CptRecords;
}

export async function readTrainingSource(spec: SystemSpec, resolvePath: (p: string) => string): Promise<TrainingSource> {
  const training = spec.training!;
  if (training.fromDocuments !== undefined) {
    const records = await cptRecordsForSystem(spec, resolvePath);
    return { text: records.text, file: resolvePath(training.fromDocuments), field: `systems.${spec.id}.training.fromDocuments`, fromDocuments: records };
  }
  const field = `systems.${spec.id}.training.trainingData`;
  if (training.trainingData === undefined) throw new InputError('give trainingData or fromDocuments', { field });
  const file = resolvePath(training.trainingData);
  try {
    return { text: await readFile(file, 'utf8'), file, field };
  } catch (err) {
    throw new InputError(`cannot read ${file}: ${(err as Error).message}`, { field });
  }
}
