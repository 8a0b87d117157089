/**
 * Validation and normalisation of Converse / ConverseStream / CountTokens(converse) request bodies into the
 * reference model's GenerateRequest. Every rejection names the field, as Bedrock's ValidationException does.
 */
import type { ChatTurn } from './model/api.js';
import type { CatalogModel } from './catalog.js';
import { optNumber, optObject, validation } from './http-util.js';

export interface ParsedConverse {
  system?: string;
  messages: ChatTurn[];
  maxTokens: number;
  stopSequences?: string[];
}

function textBlocks(blocks: unknown, field: string, allowCachePoint: boolean): string {
  if (!Array.isArray(blocks)) throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must be a list`);
  const texts: string[] = [];
  blocks.forEach((b, i) => {
    if (!b || typeof b !== 'object') throw validation(`1 validation error detected: Value at '${field}.${i + 1}' failed to satisfy constraint: Member must be an object`);
    const o = b as Record<string, unknown>;
    if (typeof o.text === 'string') texts.push(o.text);
    else if (allowCachePoint && o.cachePoint) return;
    else {
      const kind = Object.keys(o)[0] ?? 'empty';
      throw validation(`The reference model served by this emulator accepts text content blocks only; '${field}.${i + 1}' is a ${kind} block.`);
    }
  });
  return texts.join('\n');
}

export function parseConverseBody(body: Record<string, unknown>, model: CatalogModel): ParsedConverse {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw validation("1 validation error detected: Value at 'messages' failed to satisfy constraint: Member must not be null and must contain at least 1 item");
  }
  const turns: ChatTurn[] = messages.map((m, i) => {
    const o = (m ?? {}) as Record<string, unknown>;
    if (o.role !== 'user' && o.role !== 'assistant') {
      throw validation(`1 validation error detected: Value '${String(o.role)}' at 'messages.${i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`);
    }
    return { role: o.role, text: textBlocks(o.content, `messages.${i + 1}.member.content`, true) };
  });
  if (turns[0].role !== 'user') throw validation('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
  for (let i = 1; i < turns.length; i++) {
    if (turns[i].role === turns[i - 1].role) throw validation('A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.');
  }
  let system: string | undefined;
  if (body.system !== undefined) system = textBlocks(body.system, 'system', true);
  const tools = optObject(body, 'toolConfig');
  if (tools && Array.isArray(tools.tools) && tools.tools.length > 0) throw validation('This model doesn\'t support tool use in the emulator.');

  const cfg = optObject(body, 'inferenceConfig') ?? {};
  const maxTokens = optNumber(cfg, 'maxTokens', 1, model.maxOutputTokens, 'inferenceConfig.maxTokens') ?? model.maxOutputTokens;
  if (!Number.isInteger(maxTokens)) throw validation("1 validation error detected: Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must be an integer");
  optNumber(cfg, 'temperature', 0, 1, 'inferenceConfig.temperature');
  optNumber(cfg, 'topP', 0, 1, 'inferenceConfig.topP');
  let stopSequences: string[] | undefined;
  if (cfg.stopSequences !== undefined) {
    const s = cfg.stopSequences;
    if (!Array.isArray(s) || s.length > 2500 || s.some((x) => typeof x !== 'string' || x.length === 0)) {
      throw validation("1 validation error detected: Value at 'inferenceConfig.stopSequences' failed to satisfy constraint: Member must be a list of at most 2500 non-empty strings");
    }
    stopSequences = s as string[];
  }
  return { system, messages: turns, maxTokens, stopSequences };
}
