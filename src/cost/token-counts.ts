/**
 * Token counts the cost model needs before any run: tokens in a training file (training is billed per token
 * trained) and in a folder of knowledge documents (ingestion is billed per token embedded). Counted with the
 * repo's tokenizer, a stand-in for each model's own, so the results are labelled estimates.
 */
import { readFile } from 'node:fs/promises';
import { readTextDocuments } from '../datasets/documents.js';
import { InputError } from '../util/errors.js';
import { countTokens, TOKENIZER_NAME } from '../util/tokenizer.js';

export const TOKEN_COUNT_LABEL = `counted with ${TOKENIZER_NAME}, a stand-in for the model's own tokenizer`;

/** Text of one training record in any Bedrock customization format (prompt/completion, input, conversation). */
function recordTexts(record: unknown): string[] {
  if (typeof record !== 'object' || record === null) return [];
  const r = record as Record<string, unknown>;
  const out: string[] = [];
  for (const key of ['prompt', 'completion', 'input']) if (typeof r[key] === 'string') out.push(r[key] as string);
  out.push(...contentTexts(r.system));
  if (Array.isArray(r.messages)) for (const m of r.messages) out.push(...contentTexts((m as Record<string, unknown>)?.content));
  return out;
}

function contentTexts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((c) => (c && typeof c === 'object' && typeof (c as { text?: unknown }).text === 'string' ? [(c as { text: string }).text] : []));
}

export async function countTrainingTokens(file: string): Promise<{ tokens: number; records: number }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read training data: ${(err as Error).message}`, { file });
  }
  return countTrainingTextTokens(text, file);
}

/** The same count for training data already in memory; `file` names it in errors. */
export function countTrainingTextTokens(text: string, file: string): { tokens: number; records: number } {
  let tokens = 0;
  let records = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new InputError('not valid JSON', { file, line: i + 1 });
    }
    const texts = recordTexts(record);
    if (texts.length === 0) throw new InputError('record has no prompt/completion, input or messages text', { file, line: i + 1 });
    tokens += texts.reduce((s, t) => s + countTokens(t), 0);
    records++;
  }
  return { tokens, records };
}

/** Tokens in the text documents under a folder (recursively); other files are counted as skipped. */
export async function countCorpusTokens(dir: string): Promise<{ tokens: number; files: number; skipped: number; documentTokens: number[]; bytes: number }> {
  const { documents, skipped } = await readTextDocuments(dir, 'knowledgeBase.documents');
  const documentTokens = documents.map((d) => countTokens(d.text));
  return {
    tokens: documentTokens.reduce((sum, t) => sum + t, 0),
    files: documents.length,
    skipped,
    documentTokens,
    bytes: documents.reduce((sum, d) => sum + Buffer.byteLength(d.text, 'utf8'), 0),
  };
}
