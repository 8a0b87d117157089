/**
 * Reading a customization job's JSONL into training examples. FINE_TUNING accepts {prompt, completion}, the
 * bedrock-conversation-2024 format and Claude-style {system, messages}; conversations flatten to prompt = system +
 * user turns (joined by newlines) and completion = the last assistant turn. CONTINUED_PRE_TRAINING accepts
 * {input}: unlabeled text, carried whole as the completion with an empty prompt (pretrain.ts learns it).
 */
import type { TrainingExample } from './api.js';

export type CustomizationType = 'FINE_TUNING' | 'CONTINUED_PRE_TRAINING';

export interface ParsedTrainingData {
  examples: TrainingExample[];
  errors: { line: number; message: string }[];
}

export function parseTrainingJsonl(text: string, customizationType: CustomizationType): ParsedTrainingData {
  const examples: TrainingExample[] = [];
  const errors: { line: number; message: string }[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      errors.push({ line, message: `invalid JSON: ${(err as Error).message}` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({ line, message: 'expected a JSON object' });
      return;
    }
    const rec = value as Record<string, unknown>;
    const result = customizationType === 'CONTINUED_PRE_TRAINING' ? fromPretraining(rec) : fromFineTuning(rec);
    if (typeof result === 'string') errors.push({ line, message: result });
    else examples.push({ ...result, line });
  });
  return { examples, errors };
}

type Parsed = { prompt: string; completion: string } | string;

function fromPretraining(rec: Record<string, unknown>): Parsed {
  if (typeof rec.input !== 'string') return 'field "input" must be a string (continued pre-training expects {"input": "..."})';
  const input = rec.input.trim();
  if (input === '') return 'field "input" is empty';
  // Unlabeled text: no prompt; the whole input is what the model learns (pretrain.ts).
  return { prompt: '', completion: input };
}

function fromFineTuning(rec: Record<string, unknown>): Parsed {
  if ('messages' in rec) return fromConversation(rec);
  if ('prompt' in rec || 'completion' in rec) {
    if (typeof rec.prompt !== 'string') return 'field "prompt" must be a string';
    if (typeof rec.completion !== 'string') return 'field "completion" must be a string';
    if (rec.completion.trim() === '') return 'field "completion" is empty';
    return { prompt: rec.prompt, completion: rec.completion };
  }
  return 'expected {"prompt", "completion"} or a conversation with "messages"';
}

function fromConversation(rec: Record<string, unknown>): Parsed {
  const system = systemText(rec.system);
  if (typeof system !== 'string') return system.error;
  if (!Array.isArray(rec.messages) || rec.messages.length === 0) return 'field "messages" must be a non-empty array';
  const turns: { role: string; text: string }[] = [];
  for (let i = 0; i < rec.messages.length; i++) {
    const m = rec.messages[i] as Record<string, unknown> | null;
    const where = `messages[${i}]`;
    if (typeof m !== 'object' || m === null) return `field "${where}" must be an object`;
    if (m.role !== 'user' && m.role !== 'assistant') return `field "${where}.role" must be "user" or "assistant"`;
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (m.role !== expected) return `field "${where}.role" must be "${expected}" (turns alternate, starting with user)`;
    const text = contentText(m.content);
    if (text === undefined) return `field "${where}.content" must be a string or an array of {"text"} blocks`;
    turns.push({ role: m.role, text });
  }
  const last = turns[turns.length - 1];
  if (last.role !== 'assistant') return 'the last turn in "messages" must be from the assistant';
  if (last.text.trim() === '') return `field "messages[${turns.length - 1}].content" is empty`;
  const prompt = [system, ...turns.filter((t) => t.role === 'user').map((t) => t.text)].filter((t) => t !== '').join('\n');
  return { prompt, completion: last.text };
}

function systemText(system: unknown): string | { error: string } {
  if (system === undefined) return '';
  if (typeof system === 'string') return system;
  if (Array.isArray(system)) {
    const texts: string[] = [];
    for (let i = 0; i < system.length; i++) {
      const b = system[i] as Record<string, unknown> | null;
      if (typeof b !== 'object' || b === null || typeof b.text !== 'string') return { error: `field "system[${i}].text" must be a string` };
      texts.push(b.text);
    }
    return texts.join('\n');
  }
  return { error: 'field "system" must be a string or an array of {"text"} blocks' };
}

function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content) || content.length === 0) return undefined;
  const texts: string[] = [];
  for (const b of content) {
    if (typeof b !== 'object' || b === null || typeof (b as Record<string, unknown>).text !== 'string') return undefined;
    texts.push((b as { text: string }).text);
  }
  return texts.join('\n');
}
