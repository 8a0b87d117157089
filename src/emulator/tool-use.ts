/**
 * How the reference model uses tools. It answers in text unless toolChoice requires a tool (`any`, `tool`) or, with
 * `auto`, the last user turn plainly asks for what a tool is for (a distinctive word of the tool's name appears in
 * it). A turn that answers earlier tool calls (toolResult) is read as context and answered in text under `auto`.
 *
 * The call's `input` fills the tool's JSON Schema from the conversation by extractive reading: first a labelled value
 * (`city: Paris`, `the city is Paris`), then the reference reader's own answer to the field's description, then
 * values of the field's type in the order they occur (numbers, proper nouns, quoted text, enum members). Required
 * fields with nothing to copy get their type's empty value; optional ones are left out.
 */
import type { ChatTurn } from './model/api.js';
import { NON_ANSWER, generate } from './model-port.js';
import type { ToolConfig, ToolSpec } from './tool-config.js';

/** Name parts that say how a tool is called, not what it is for. */
const GENERIC = new Set(['get', 'set', 'fetch', 'find', 'lookup', 'look', 'up', 'search', 'query', 'call', 'run', 'do', 'make', 'tool', 'function', 'func', 'api', 'the', 'a', 'an', 'for', 'of', 'to', 'by', 'info', 'data', 'current', 'list', 'read', 'load', 'retrieve', 'check', 'show']);

const stemWord = (w: string): string => w.toLowerCase().replace(/(?:ies)$/, 'y').replace(/(?:ing|ed|es|s)$/, '');

function nameTerms(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length > 1 && !GENERIC.has(w))
    .map(stemWord);
}

/** The top-level property names of the tool's input schema, as terms. */
function fieldTerms(spec: ToolSpec): string[] {
  const props = Object.keys((spec.schema.properties ?? {}) as Record<string, unknown>);
  return [...new Set(props.flatMap((p) => nameTerms(p)))];
}

function textTerms(text: string): Set<string> {
  return new Set((text.match(/[\p{L}\p{N}]+/gu) ?? []).map(stemWord));
}

/** Which tool to call, if any. */
export function chooseTool(cfg: ToolConfig, messages: ChatTurn[], answersToolResult: boolean): ToolSpec | undefined {
  if (cfg.choice.kind === 'tool') return cfg.specs.find((s) => s.name === cfg.choice.name);
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.text ?? '';
  const terms = textTerms(lastUser);
  const scored = cfg.specs.map((spec, i) => {
    const purpose = nameTerms(spec.name);
    const fields = fieldTerms(spec);
    const fieldShare = fields.length > 0 ? fields.filter((t) => terms.has(t)).length / fields.length : 0;
    return { spec, i, hits: purpose.filter((t) => terms.has(t)).length, fieldShare };
  });
  scored.sort((x, y) => y.hits - x.hits || y.fieldShare - x.fieldShare || x.i - y.i);
  if (cfg.choice.kind === 'any') return scored[0]?.spec;
  if (answersToolResult) return undefined;
  // Asked for: a word of the tool's name is in the request, or the request names at least half of the tool's fields
  // ("Ada Lovelace, age 36" for a {name, age} record).
  const best = scored[0];
  return best && (best.hits > 0 || best.fieldShare >= 0.5) ? best.spec : undefined;
}

interface FillState {
  text: string;
  used: Set<string>;
  numbers: string[];
  names: string[];
  quoted: string[];
}

/** The tool's input, filled from the conversation text. */
export function fillToolInput(spec: ToolSpec, system: string | undefined, messages: ChatTurn[], seed: number): Record<string, unknown> {
  const text = [system ?? '', ...messages.filter((m) => m.role === 'user').map((m) => m.text)].filter((t) => t.trim() !== '').join('\n');
  const state: FillState = {
    text,
    used: new Set(),
    numbers: text.match(/-?\d+(?:[.,]\d+)?/g) ?? [],
    names: properNouns(text),
    quoted: [...text.matchAll(/["“']([^"”'\n]{1,200})["”']/g)].map((m) => m[1]),
  };
  return fillObject(spec.schema, state, seed) as Record<string, unknown>;
}

/** Runs of capitalised words that do not merely start a sentence ("in Paris", "John Smith is ..."). */
function properNouns(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(^|[^\p{L}\p{N}])(\p{Lu}[\p{L}\p{N}'-]*(?:\s+\p{Lu}[\p{L}\p{N}'-]*)*)/gu)) {
    const before = text.slice(0, (m.index ?? 0) + m[1].length);
    const sentenceStart = /(^|[.!?]\s*|\n\s*)$/.test(before);
    const words = m[2].split(/\s+/);
    // A capitalised sentence opener counts only as part of a longer name ("Ada Lovelace wrote ...").
    if (sentenceStart && words.length === 1) continue;
    const QUESTION = /^(What|Who|Where|When|Which|How|Why|Is|Are|Do|Does|Can|Please|I|The|A|An)$/;
    const trimmed = sentenceStart && QUESTION.test(words[0]) ? words.slice(1) : words;
    if (trimmed.length > 0) out.push(trimmed.join(' '));
  }
  return out;
}

function fillObject(schema: Record<string, unknown>, state: FillState, seed: number): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(props)) {
    const value = fillValue(name, prop ?? {}, state, seed);
    if (value !== undefined) out[name] = value;
    else if (required.has(name)) out[name] = emptyOf(prop ?? {});
  }
  return out;
}

function typeOf(prop: Record<string, unknown>): string {
  const t = prop.type;
  if (Array.isArray(t)) return String(t.find((x) => x !== 'null') ?? 'string');
  if (typeof t === 'string') return t;
  if (prop.properties) return 'object';
  if (Array.isArray(prop.enum)) return typeof prop.enum[0] === 'number' ? 'number' : 'string';
  return 'string';
}

function emptyOf(prop: Record<string, unknown>): unknown {
  if (Array.isArray(prop.enum) && prop.enum.length > 0) return prop.enum[0];
  switch (typeOf(prop)) {
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return '';
  }
}

function fillValue(name: string, prop: Record<string, unknown>, state: FillState, seed: number): unknown {
  const type = typeOf(prop);
  if (type === 'object') return fillObject(prop, state, seed);
  if (Array.isArray(prop.enum)) {
    const lower = state.text.toLowerCase();
    return prop.enum.find((v) => typeof v === 'string' && lower.includes(v.toLowerCase())) ?? undefined;
  }
  if (type === 'array') {
    const item = (prop.items ?? {}) as Record<string, unknown>;
    const one = fillValue(name, item, state, seed);
    return one === undefined ? undefined : [one];
  }
  const raw = labelled(name, state.text) ?? readField(name, prop, state, seed) ?? byType(type, state);
  if (raw === undefined) return undefined;
  state.used.add(raw);
  return coerce(raw, type);
}

function humanName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
}

/** `city: Paris`, `city = Paris`, `the city is Paris`, `city of Paris`. */
function labelled(name: string, text: string): string | undefined {
  const label = humanName(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s_-]+');
  const re = new RegExp(`\\b${label}\\s*(?:[:=]|\\bis\\b|\\bof\\b|\\bwas\\b)\\s*["“']?([^\\n.,;!?"”']{1,120})`, 'i');
  const m = re.exec(text);
  const v = m?.[1].trim();
  return v ? v : undefined;
}

/** The reference reader's answer to "what is the <field>?" over the conversation, if it finds one. */
function readField(name: string, prop: Record<string, unknown>, state: FillState, seed: number): string | undefined {
  const desc = typeof prop.description === 'string' && prop.description.trim() !== '' ? prop.description.trim() : humanName(name);
  const question = `What is the ${desc.replace(/[?.]+$/, '')}?`;
  const r = generate({ messages: [{ role: 'user', text: `${state.text}\nQuestion: ${question}` }], maxTokens: 64, seed });
  const answer = r.text.trim();
  if (answer === '' || answer === NON_ANSWER || state.used.has(answer)) return undefined;
  const type = typeOf(prop);
  if ((type === 'number' || type === 'integer') && !/-?\d/.test(answer)) return undefined;
  return answer;
}

function byType(type: string, state: FillState): string | undefined {
  const pick = (list: string[]) => list.find((v) => !state.used.has(v));
  if (type === 'number' || type === 'integer') return pick(state.numbers);
  if (type === 'boolean') return undefined;
  return pick(state.names) ?? pick(state.quoted);
}

function coerce(raw: string, type: string): unknown {
  if (type === 'number' || type === 'integer') {
    const m = /-?\d+(?:[.,]\d+)?/.exec(raw);
    if (!m) return undefined;
    const n = Number(m[0].replace(',', '.'));
    return type === 'integer' ? Math.round(n) : n;
  }
  if (type === 'boolean') return /^(true|yes|y|1)$/i.test(raw.trim());
  return raw;
}
