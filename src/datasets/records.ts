/**
 * Turns one parsed record (a JSONL object, a CSV row) of each supported format into an eval item. Every check
 * throws an InputError naming file, line and field; nothing is coerced silently.
 */
import { InputError } from '../util/errors.js';
import type { EvalItem } from './types.js';

export interface RecordContext {
  file: string;
  line?: number;
}

/** An item before ids are generated. */
export type DraftItem = Omit<EvalItem, 'id'> & { id?: string };

const OUR_KEYS = new Set(['id', 'prompt', 'reference', 'references', 'category', 'system', 'contexts', 'metadata']);

function fail(ctx: RecordContext, field: string, message: string): never {
  throw new InputError(message, { file: ctx.file, line: ctx.line, field });
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function keysHint(obj: Record<string, unknown>): string {
  const keys = Object.keys(obj);
  return keys.length ? ` (keys found: ${keys.slice(0, 8).join(', ')})` : ' (the object is empty)';
}

export function requireString(obj: Record<string, unknown>, key: string, ctx: RecordContext, opts: { nonEmpty?: boolean } = {}): string {
  const v = obj[key];
  if (v === undefined) fail(ctx, key, `missing required field "${key}"${keysHint(obj)}`);
  if (typeof v !== 'string') fail(ctx, key, `must be a string, found ${typeName(v)}`);
  if (opts.nonEmpty && v.trim() === '') fail(ctx, key, 'must not be empty');
  return v;
}

export function optionalString(obj: Record<string, unknown>, key: string, ctx: RecordContext): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(ctx, key, `must be a string, found ${typeName(v)}`);
  return v;
}

function stringArray(v: unknown, key: string, ctx: RecordContext): string[] {
  if (!Array.isArray(v)) fail(ctx, key, `must be an array of strings, found ${typeName(v)}`);
  v.forEach((x, i) => {
    if (typeof x !== 'string') fail(ctx, `${key}[${i}]`, `must be a string, found ${typeName(x)}`);
  });
  return v as string[];
}

function optionalId(obj: Record<string, unknown>, ctx: RecordContext): string | undefined {
  const v = obj.id;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') fail(ctx, 'id', `must be a string, found ${typeName(v)}`);
  if (v.trim() === '') fail(ctx, 'id', 'must not be empty');
  return v;
}

/** Our JSONL record: `prompt`, `reference` | `references`, optional id/category/system/contexts/metadata. */
export function fromOurRecord(obj: Record<string, unknown>, ctx: RecordContext): DraftItem {
  for (const key of Object.keys(obj)) {
    if (!OUR_KEYS.has(key)) {
      fail(ctx, key, `unknown field "${key}"; allowed: ${[...OUR_KEYS].join(', ')} (put extra data under "metadata")`);
    }
  }
  const prompt = requireString(obj, 'prompt', ctx, { nonEmpty: true });
  let references: string[];
  if (obj.reference !== undefined && obj.references !== undefined) {
    fail(ctx, 'references', 'give either "reference" or "references", not both');
  }
  if (obj.references !== undefined) {
    references = stringArray(obj.references, 'references', ctx);
    if (references.length === 0) fail(ctx, 'references', 'must hold at least one reference (use [""] for "no answer")');
  } else if (obj.reference !== undefined) {
    references = [requireString(obj, 'reference', ctx)];
  } else {
    fail(ctx, 'reference', `missing required field "reference" (or "references")${keysHint(obj)}`);
  }
  const item: DraftItem = { prompt, references };
  const id = optionalId(obj, ctx);
  if (id !== undefined) item.id = id;
  const category = optionalString(obj, 'category', ctx);
  if (category !== undefined) item.category = category;
  const system = optionalString(obj, 'system', ctx);
  if (system !== undefined) item.system = system;
  if (obj.contexts !== undefined && obj.contexts !== null) item.contexts = stringArray(obj.contexts, 'contexts', ctx);
  if (obj.metadata !== undefined && obj.metadata !== null) {
    const m = obj.metadata;
    if (typeof m !== 'object' || Array.isArray(m)) fail(ctx, 'metadata', `must be an object, found ${typeName(m)}`);
    item.metadata = m as Record<string, unknown>;
  }
  return item;
}

/** Bedrock model-evaluation dataset line: `prompt`, `referenceResponse`, optional `category`. */
export function fromBedrockEvalRecord(obj: Record<string, unknown>, ctx: RecordContext): DraftItem {
  const prompt = requireString(obj, 'prompt', ctx, { nonEmpty: true });
  const reference = requireString(obj, 'referenceResponse', ctx);
  const item: DraftItem = { prompt, references: [reference] };
  const category = optionalString(obj, 'category', ctx);
  if (category !== undefined) item.category = category;
  return item;
}

/** Bedrock non-conversational fine-tuning line: `prompt`, `completion`. */
export function fromBedrockFtRecord(obj: Record<string, unknown>, ctx: RecordContext): DraftItem {
  const prompt = requireString(obj, 'prompt', ctx, { nonEmpty: true });
  const completion = requireString(obj, 'completion', ctx);
  return { prompt, references: [completion] };
}

export interface ConversationTurn {
  role: string;
  text: string;
}

/**
 * Reads `messages` (Converse `content: [{text}]` or Claude 3 Haiku plain strings) and `system` (array of
 * `{text}` or a string). Validates shapes only; the role order rules live with the training-data validator.
 */
export function readConversation(obj: Record<string, unknown>, ctx: RecordContext): { system?: string; turns: ConversationTurn[] } {
  const messages = obj.messages;
  if (messages === undefined) fail(ctx, 'messages', `missing required field "messages"${keysHint(obj)}`);
  if (!Array.isArray(messages)) fail(ctx, 'messages', `must be an array, found ${typeName(messages)}`);
  const turns = messages.map((m, i): ConversationTurn => {
    const at = `messages[${i}]`;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) fail(ctx, at, `must be an object, found ${typeName(m)}`);
    const msg = m as Record<string, unknown>;
    if (typeof msg.role !== 'string') fail(ctx, `${at}.role`, msg.role === undefined ? 'missing "role"' : `must be a string, found ${typeName(msg.role)}`);
    return { role: msg.role, text: contentText(msg.content, `${at}.content`, ctx) };
  });
  let system: string | undefined;
  if (obj.system !== undefined && obj.system !== null) {
    if (typeof obj.system === 'string') system = obj.system;
    else if (Array.isArray(obj.system)) system = contentText(obj.system, 'system', ctx);
    else fail(ctx, 'system', `must be a string or an array of {"text"} blocks, found ${typeName(obj.system)}`);
  }
  return { system, turns };
}

function contentText(content: unknown, field: string, ctx: RecordContext): string {
  if (typeof content === 'string') return content;
  if (content === undefined) fail(ctx, field, `missing "${field.split('.').pop()}"`);
  if (!Array.isArray(content)) fail(ctx, field, `must be a string or an array of {"text"} blocks, found ${typeName(content)}`);
  const texts: string[] = [];
  content.forEach((block, i) => {
    if (block === null || typeof block !== 'object' || Array.isArray(block)) fail(ctx, `${field}[${i}]`, `must be an object, found ${typeName(block)}`);
    const t = (block as Record<string, unknown>).text;
    // Image/video/document blocks carry no text; they are skipped, not rejected.
    if (t === undefined) return;
    if (typeof t !== 'string') fail(ctx, `${field}[${i}].text`, `must be a string, found ${typeName(t)}`);
    texts.push(t);
  });
  return texts.join('\n');
}

/** Conversation line: the last assistant turn is the reference, the user turns before it the prompt. */
export function fromConversationRecord(obj: Record<string, unknown>, ctx: RecordContext): DraftItem {
  const { system, turns } = readConversation(obj, ctx);
  let last = -1;
  for (let i = turns.length - 1; i >= 0; i--) {
    if (turns[i].role === 'assistant') {
      last = i;
      break;
    }
  }
  if (last < 0) fail(ctx, 'messages', 'needs an assistant turn (its text is the reference answer)');
  const userTexts = turns.slice(0, last).filter((t) => t.role === 'user').map((t) => t.text);
  if (userTexts.length === 0 || userTexts.join('').trim() === '') fail(ctx, 'messages', 'needs a non-empty user turn before the last assistant turn');
  const item: DraftItem = { prompt: userTexts.join('\n\n'), references: [turns[last].text] };
  if (system !== undefined && system !== '') item.system = system;
  if (last > 1) item.metadata = { turns: last + 1 };
  return item;
}
