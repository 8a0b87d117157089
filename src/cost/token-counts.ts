/**
 * Token counts the cost model needs before any run: tokens in a training file (training is billed per token
 * trained) and in a folder of knowledge documents (ingestion is billed per token embedded). Counted with the
 * repo's tokenizer, a stand-in for each model's own, so the results are labelled estimates.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
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

const TEXT_EXTENSIONS = new Set(['.txt', '.md', '.markdown', '.html', '.htm', '.json', '.jsonl', '.csv', '.xml', '.yaml', '.yml']);

/** Tokens in the text documents under a folder (recursively); other files are listed as skipped. */
export async function countCorpusTokens(dir: string): Promise<{ tokens: number; files: number; skipped: number }> {
  let info;
  try {
    info = await stat(dir);
  } catch (err) {
    throw new InputError(`cannot read knowledge documents: ${(err as Error).message}`, { file: dir, field: 'knowledgeBase.documents' });
  }
  if (!info.isDirectory()) throw new InputError('knowledge documents must be a folder', { file: dir, field: 'knowledgeBase.documents' });
  let tokens = 0;
  let files = 0;
  let skipped = 0;
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && TEXT_EXTENSIONS.has(extname(e.name).toLowerCase())) {
        tokens += countTokens(await readFile(p, 'utf8'));
        files++;
      } else skipped++;
    }
  };
  await walk(dir);
  return { tokens, files, skipped };
}
