/**
 * Model-native InvokeModel text bodies, one parser and one response shape per family, shared by InvokeModel,
 * InvokeModelWithResponseStream, CountTokens(invokeModel) and batch inference:
 *
 * - Amazon Nova (messages-v1): `{schemaVersion?, system?: [{text}], messages: [{role, content: [{text}]}],
 *   inferenceConfig?: {max_new_tokens, temperature, top_p, top_k, stopSequences}}` -> `{output: {message}, stopReason, usage}`
 * - Anthropic Claude (Messages): `{anthropic_version, max_tokens, system?, messages: [{role, content}], stop_sequences?, …}`
 *   -> `{id, type: "message", role, model, content: [{type: "text", text}], stop_reason, stop_sequence, usage}`
 * - Meta Llama: `{prompt, max_gen_len?, temperature?, top_p?}` (Llama 3 chat-template prompts are split into turns)
 *   -> `{generation, prompt_token_count, generation_token_count, stop_reason: "stop" | "length"}`
 * - Amazon Titan Text: `{inputText, textGenerationConfig?: {maxTokenCount, stopSequences, temperature, topP}}`
 *   -> `{inputTextTokenCount, results: [{tokenCount, outputText, completionReason}]}`
 *
 * An unknown key is refused with Bedrock's "Malformed input request" text, as the model's own schema check does.
 */
import type { CatalogModel } from './catalog.js';
import { validation } from './http-util.js';
import { extraneousKey, familyOf } from './model-fields.js';
import type { ChatTurn, GenerateResult } from './model/api.js';
import { countTokens } from './model-port.js';

export type NativeFamily = 'nova' | 'anthropic' | 'meta' | 'titan';

export interface NativeRequest {
  family: NativeFamily;
  system?: string;
  messages: ChatTurn[];
  maxTokens: number;
  stopSequences?: string[];
  /** Input tokens as the family bills them (the prompt text as sent). */
  inputTokens: number;
}

const KEYS: Record<NativeFamily, string[]> = {
  nova: ['schemaVersion', 'system', 'messages', 'inferenceConfig'],
  anthropic: ['anthropic_version', 'anthropic_beta', 'max_tokens', 'system', 'messages', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'metadata'],
  meta: ['prompt', 'max_gen_len', 'temperature', 'top_p', 'images'],
  titan: ['inputText', 'textGenerationConfig'],
};

const malformed = (what: string): Error => validation(`Malformed input request: ${what}, please reformat your input and try again.`);

function requireKeys(body: Record<string, unknown>, family: NativeFamily, path = '#', allowed = KEYS[family]): void {
  for (const k of Object.keys(body)) if (!allowed.includes(k)) throw extraneousKey(path, k);
}

function maxOf(v: unknown, key: string, model: CatalogModel, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw malformed(`#/${key}: expected type: Integer, minimum 1`);
  if (v > model.maxOutputTokens) throw validation(`The maximum tokens you requested exceeds the model limit of ${model.maxOutputTokens}.`);
  return v;
}

function stops(v: unknown, key: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw malformed(`#/${key}: expected type: JSONArray of strings`);
  return v as string[];
}

function textOfBlocks(content: unknown, where: string, anthropic: boolean): string {
  if (typeof content === 'string') {
    if (content.trim() === '') throw malformed(`${where}: text content must be non-empty`);
    return content;
  }
  if (!Array.isArray(content) || content.length === 0) throw malformed(`${where}: expected a non-empty list of content blocks`);
  return content
    .map((b, i) => {
      const o = (b ?? {}) as Record<string, unknown>;
      if (anthropic && o.type !== 'text') throw validation(`The emulator serves text content through InvokeModel; ${where}/${i} is a ${String(o.type)} block (use Converse for tools).`);
      if (typeof o.text !== 'string' || o.text.trim() === '') throw malformed(`${where}/${i}: required key [text] not found or blank`);
      return o.text;
    })
    .join('\n');
}

function turnsOf(messages: unknown, anthropic: boolean): ChatTurn[] {
  if (!Array.isArray(messages) || messages.length === 0) throw malformed('#: required key [messages] not found or empty');
  const turns = messages.map((m, i) => {
    const o = (m ?? {}) as Record<string, unknown>;
    if (o.role !== 'user' && o.role !== 'assistant') throw malformed(`#/messages/${i}/role: ${String(o.role)} is not a valid enum value`);
    return { role: o.role, text: textOfBlocks(o.content, `#/messages/${i}/content`, anthropic) } as ChatTurn;
  });
  if (turns[0].role !== 'user') throw validation('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
  return turns;
}

/** Llama 3 chat template -> turns; a plain prompt is one user turn. */
function llamaTurns(prompt: string): { system?: string; messages: ChatTurn[] } {
  const parts = [...prompt.matchAll(/<\|start_header_id\|>(system|user|assistant)<\|end_header_id\|>([\s\S]*?)(?=<\|eot_id\|>|<\|start_header_id\|>|$)/g)];
  if (parts.length === 0) return { messages: [{ role: 'user', text: prompt.replace(/<\|[a-z_]+\|>/g, '').trim() }] };
  let system: string | undefined;
  const messages: ChatTurn[] = [];
  for (const p of parts) {
    const text = p[2].trim();
    if (p[1] === 'system') system = text;
    else if (text !== '') messages.push({ role: p[1] as 'user' | 'assistant', text });
  }
  return { system, messages: messages.length > 0 ? messages : [{ role: 'user', text: prompt }] };
}

export function nativeFamily(model: CatalogModel): NativeFamily {
  const f = familyOf(model);
  if (f === 'other') throw validation(`The emulator has no native request format for ${model.modelId}.`);
  return f;
}

export function parseNativeBody(body: Record<string, unknown>, model: CatalogModel): NativeRequest {
  const family = nativeFamily(model);
  requireKeys(body, family);
  const tokens = (system: string | undefined, messages: ChatTurn[]) => countTokens(system ?? '') + messages.reduce((n, m) => n + countTokens(m.text), 0);
  if (family === 'nova') {
    if (body.schemaVersion !== undefined && body.schemaVersion !== 'messages-v1') throw malformed(`#/schemaVersion: ${String(body.schemaVersion)} is not a valid enum value`);
    const cfg = (body.inferenceConfig ?? {}) as Record<string, unknown>;
    if (typeof cfg !== 'object' || Array.isArray(cfg)) throw malformed('#/inferenceConfig: expected type: JSONObject');
    requireKeys(cfg, family, '#/inferenceConfig', ['max_new_tokens', 'temperature', 'top_p', 'top_k', 'stopSequences', 'reasoningConfig']);
    const system = body.system === undefined ? undefined : textOfBlocks(body.system, '#/system', false);
    const messages = turnsOf(body.messages, false);
    return { family, system, messages, maxTokens: maxOf(cfg.max_new_tokens, 'inferenceConfig/max_new_tokens', model, model.maxOutputTokens), stopSequences: stops(cfg.stopSequences, 'inferenceConfig/stopSequences'), inputTokens: tokens(system, messages) };
  }
  if (family === 'anthropic') {
    if (typeof body.anthropic_version !== 'string') throw malformed('#: required key [anthropic_version] not found');
    if (body.max_tokens === undefined) throw malformed('#: required key [max_tokens] not found');
    const system = body.system === undefined ? undefined : textOfBlocks(body.system, '#/system', true);
    const messages = turnsOf(body.messages, true);
    return { family, system, messages, maxTokens: maxOf(body.max_tokens, 'max_tokens', model, model.maxOutputTokens), stopSequences: stops(body.stop_sequences, 'stop_sequences'), inputTokens: tokens(system, messages) };
  }
  if (family === 'meta') {
    if (typeof body.prompt !== 'string' || body.prompt.trim() === '') throw malformed('#: required key [prompt] not found');
    const { system, messages } = llamaTurns(body.prompt);
    return { family, system, messages, maxTokens: maxOf(body.max_gen_len, 'max_gen_len', model, 512), inputTokens: countTokens(body.prompt) };
  }
  if (typeof body.inputText !== 'string' || body.inputText.trim() === '') throw malformed('#: required key [inputText] not found');
  const cfg = (body.textGenerationConfig ?? {}) as Record<string, unknown>;
  requireKeys(cfg, family, '#/textGenerationConfig', ['temperature', 'topP', 'maxTokenCount', 'stopSequences']);
  // Titan prompts are often "User: …\nBot:"; the reader wants the user's words.
  const text = body.inputText.replace(/\s*\bBot:\s*$/i, '').replace(/^\s*User:\s*/i, '');
  return { family, messages: [{ role: 'user', text }], maxTokens: maxOf(cfg.maxTokenCount, 'textGenerationConfig/maxTokenCount', model, 512), stopSequences: stops(cfg.stopSequences, 'textGenerationConfig/stopSequences'), inputTokens: countTokens(body.inputText) };
}

const anthropicStop = (r: GenerateResult['stopReason']): string => (r === 'max_tokens' ? 'max_tokens' : r === 'stop_sequence' ? 'stop_sequence' : 'end_turn');
const titanReason = (r: GenerateResult['stopReason']): string => (r === 'max_tokens' ? 'LENGTH' : r === 'stop_sequence' ? 'STOP_CRITERIA_MET' : 'FINISH');

/** The family's InvokeModel response body. */
export function nativeResponse(req: NativeRequest, res: GenerateResult, model: CatalogModel, id: string): Record<string, unknown> {
  switch (req.family) {
    case 'nova':
      return { output: { message: { role: 'assistant', content: [{ text: res.text }] } }, stopReason: res.stopReason, usage: { inputTokens: req.inputTokens, outputTokens: res.outputTokens, totalTokens: req.inputTokens + res.outputTokens } };
    case 'anthropic':
      return { id: `msg_bdrk_${id}`, type: 'message', role: 'assistant', model: model.modelId.replace(/^anthropic\./, '').replace(/-v\d+:\d+$/, ''), content: [{ type: 'text', text: res.text }], stop_reason: anthropicStop(res.stopReason), stop_sequence: null, usage: { input_tokens: req.inputTokens, output_tokens: res.outputTokens } };
    case 'meta':
      return { generation: res.text, prompt_token_count: req.inputTokens, generation_token_count: res.outputTokens, stop_reason: res.stopReason === 'max_tokens' ? 'length' : 'stop' };
    case 'titan':
      return { inputTextTokenCount: req.inputTokens, results: [{ tokenCount: res.outputTokens, outputText: res.text, completionReason: titanReason(res.stopReason) }] };
  }
}

/** The family's InvokeModelWithResponseStream chunk payloads for a text split into pieces. */
export function nativeStreamChunks(req: NativeRequest, res: GenerateResult, pieces: string[], model: CatalogModel, id: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const tokensOf = (p: string) => countTokens(p);
  switch (req.family) {
    case 'nova':
      out.push({ messageStart: { role: 'assistant' } });
      for (const p of pieces) out.push({ contentBlockDelta: { delta: { text: p }, contentBlockIndex: 0 } });
      out.push({ contentBlockStop: { contentBlockIndex: 0 } }, { messageStop: { stopReason: res.stopReason } }, { metadata: { usage: { inputTokens: req.inputTokens, outputTokens: res.outputTokens } } });
      return out;
    case 'anthropic': {
      const message = { id: `msg_bdrk_${id}`, type: 'message', role: 'assistant', model: model.modelId, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: req.inputTokens, output_tokens: 1 } };
      out.push({ type: 'message_start', message }, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      for (const p of pieces) out.push({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } });
      out.push({ type: 'content_block_stop', index: 0 }, { type: 'message_delta', delta: { stop_reason: anthropicStop(res.stopReason), stop_sequence: null }, usage: { output_tokens: res.outputTokens } }, { type: 'message_stop' });
      return out;
    }
    case 'meta':
      pieces.forEach((p, i) =>
        out.push({ generation: p, prompt_token_count: i === 0 ? req.inputTokens : null, generation_token_count: tokensOf(p), stop_reason: i === pieces.length - 1 ? (res.stopReason === 'max_tokens' ? 'length' : 'stop') : null }),
      );
      if (pieces.length === 0) out.push({ generation: '', prompt_token_count: req.inputTokens, generation_token_count: 0, stop_reason: 'stop' });
      return out;
    case 'titan':
      pieces.forEach((p, i) =>
        out.push({ outputText: p, index: 0, totalOutputTextTokenCount: res.outputTokens, completionReason: i === pieces.length - 1 ? titanReason(res.stopReason) : null, inputTextTokenCount: i === 0 ? req.inputTokens : undefined }),
      );
      if (pieces.length === 0) out.push({ outputText: '', index: 0, totalOutputTextTokenCount: 0, completionReason: 'FINISH', inputTextTokenCount: req.inputTokens });
      return out;
  }
}
