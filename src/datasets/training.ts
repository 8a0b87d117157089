/**
 * Training data as text pairs with line numbers, whatever its Bedrock format: prompt/completion, continued
 * pre-training `input`, conversation (Converse or Claude 3 Haiku strings), or one of our eval-set dialects.
 * Used by contamination checks, split and statistics; format rules per model live in validate.ts.
 */
import { InputError } from '../util/errors.js';
import { parseJsonObjectLine, readLines } from './lines.js';
import { readConversation } from './records.js';

export type TrainingFormat = 'prompt-completion' | 'continued-pre-training' | 'conversation' | 'eval-jsonl';

export interface TrainingRecord {
  /** 1-based line in the file. */
  line: number;
  format: TrainingFormat;
  /** User side: the prompt, the user turns, or the CPT text. */
  prompt: string;
  /** Model side: the completion or the assistant turns ('' for CPT). */
  completion: string;
  system?: string;
  /** The parsed line, for format-specific checks. */
  raw: Record<string, unknown>;
}

export interface TrainingData {
  file: string;
  sha256: string;
  records: TrainingRecord[];
}

export function detectTrainingFormat(obj: Record<string, unknown>): TrainingFormat | undefined {
  if ('messages' in obj || 'schemaVersion' in obj) return 'conversation';
  if ('completion' in obj) return 'prompt-completion';
  if ('input' in obj && !('prompt' in obj)) return 'continued-pre-training';
  if ('prompt' in obj && ('reference' in obj || 'references' in obj || 'referenceResponse' in obj)) return 'eval-jsonl';
  return undefined;
}

function str(obj: Record<string, unknown>, key: string, file: string, line: number): string {
  const v = obj[key];
  if (typeof v !== 'string') {
    throw new InputError(v === undefined ? `missing required field "${key}"` : `must be a string, found ${v === null ? 'null' : typeof v}`, { file, line, field: key });
  }
  return v;
}

/** Text pair of one parsed line; throws an InputError naming file, line and field when the shape is unknown. */
export function toTrainingRecord(obj: Record<string, unknown>, file: string, line: number): TrainingRecord {
  const format = detectTrainingFormat(obj);
  switch (format) {
    case 'conversation': {
      const { system, turns } = readConversation(obj, { file, line });
      const prompt = turns.filter((t) => t.role === 'user').map((t) => t.text).join('\n\n');
      const completion = turns.filter((t) => t.role === 'assistant').map((t) => t.text).join('\n\n');
      return { line, format, prompt, completion, system, raw: obj };
    }
    case 'prompt-completion':
      return { line, format, prompt: str(obj, 'prompt', file, line), completion: str(obj, 'completion', file, line), raw: obj };
    case 'continued-pre-training':
      return { line, format, prompt: str(obj, 'input', file, line), completion: '', raw: obj };
    case 'eval-jsonl': {
      const refs = obj.references;
      const completion = Array.isArray(refs) ? refs.filter((r) => typeof r === 'string').join('\n') : String(obj.reference ?? obj.referenceResponse ?? '');
      return { line, format, prompt: str(obj, 'prompt', file, line), completion, raw: obj };
    }
    default: {
      const keys = Object.keys(obj).slice(0, 8).join(', ') || 'none';
      throw new InputError(
        `unrecognised record: expected "prompt"/"completion", "input", or "messages" (keys found: ${keys})`,
        { file, line, field: Object.keys(obj)[0] ?? 'prompt' },
      );
    }
  }
}

/** Streams a training JSONL file. Any bad line is an InputError; nothing partial is returned. */
export async function loadTrainingData(file: string): Promise<TrainingData> {
  let sha256 = '';
  const records: TrainingRecord[] = [];
  for await (const { line, text } of readLines(file, { onHash: (h) => (sha256 = h) })) {
    if (text.trim() === '') continue;
    records.push(toTrainingRecord(parseJsonObjectLine(text, file, line), file, line));
  }
  if (records.length === 0) throw new InputError('empty file: no training records found', { file });
  return { file, sha256, records };
}
