/**
 * Validation and normalisation of Converse / ConverseStream / CountTokens(converse) request bodies into the
 * reference model's GenerateRequest. Every rejection is Bedrock's ValidationException text for that case (indexes in
 * the content messages are 0-based, as Bedrock writes them; constraint messages are 1-based, as Coral writes them).
 */
import type { ChatTurn } from './model/api.js';
import type { CatalogModel } from './catalog.js';
import { optNumber, optObject, validation } from './http-util.js';
import { parseToolConfig, toolResultText, toolUseText, type ToolConfig } from './tool-config.js';
import { parseGuardrailConfig, type GuardrailRef } from './guardrails.js';
import { checkAdditionalFields } from './model-fields.js';

export interface ParsedConverse {
  system?: string;
  messages: ChatTurn[];
  maxTokens: number;
  stopSequences?: string[];
  /** toolConfig, validated against the model's tool support. */
  tools?: ToolConfig;
  /** The last user turn answers tool calls (toolResult blocks): the model reads them as context. */
  answersToolResult: boolean;
  /** Per turn: whether it carries toolResult blocks (those turns are context, not questions). */
  toolResultTurns: boolean[];
  guardrail?: GuardrailRef;
}

export interface ParseOptions {
  /** ConverseStream: some models call tools only without streaming. */
  streaming?: boolean;
  /** CountTokens input has no inferenceConfig limits to check against a running model. */
  countOnly?: boolean;
}

interface TurnBlocks {
  text: string;
  toolBlocks: number;
  toolResults: number;
}

function contentBlocks(blocks: unknown, i: number, role: 'user' | 'assistant'): TurnBlocks {
  const field = `messages.${i + 1}.member.content`;
  if (!Array.isArray(blocks)) throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`);
  if (blocks.length === 0) throw validation(`The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`);
  const texts: string[] = [];
  let toolBlocks = 0;
  let toolResults = 0;
  blocks.forEach((b, j) => {
    if (!b || typeof b !== 'object') throw validation(`1 validation error detected: Value at '${field}.${j + 1}.member' failed to satisfy constraint: Member must not be null`);
    const o = b as Record<string, unknown>;
    if (typeof o.text === 'string') {
      if (o.text.trim() === '') throw validation(`The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`);
      texts.push(o.text);
    } else if (o.cachePoint) return;
    else if (o.toolUse && typeof o.toolUse === 'object') {
      if (role !== 'assistant') throw validation(`messages.${i}.content.${j}: toolUse blocks belong to assistant messages.`);
      toolBlocks++;
      texts.push(toolUseText(o.toolUse as Record<string, unknown>));
    } else if (o.toolResult && typeof o.toolResult === 'object') {
      if (role !== 'user') throw validation(`messages.${i}.content.${j}: toolResult blocks belong to user messages.`);
      toolBlocks++;
      toolResults++;
      texts.push(toolResultText(o.toolResult as Record<string, unknown>, `messages.${i}.content.${j}`));
    } else {
      const kind = Object.keys(o)[0] ?? 'empty';
      throw validation(`The reference model served by this emulator accepts text, toolUse and toolResult content blocks only; 'messages.${i}.content.${j}' is a ${kind} block.`);
    }
  });
  return { text: texts.join('\n'), toolBlocks, toolResults };
}

function systemText(blocks: unknown): string {
  if (!Array.isArray(blocks)) throw validation("1 validation error detected: Value at 'system' failed to satisfy constraint: Member must be a list");
  const texts: string[] = [];
  blocks.forEach((b, j) => {
    const o = (b ?? {}) as Record<string, unknown>;
    if (typeof o.text === 'string') {
      if (o.text.trim() === '') throw validation(`The text field in the SystemContentBlock object at system.${j} is blank. Add text to the text field, and try again.`);
      texts.push(o.text);
    } else if (o.cachePoint || o.guardContent) return;
    else throw validation(`The reference model served by this emulator accepts text system blocks only; 'system.${j}' is a ${Object.keys(o)[0] ?? 'empty'} block.`);
  });
  return texts.join('\n');
}

export function parseConverseBody(body: Record<string, unknown>, model: CatalogModel, opts: ParseOptions = {}): ParsedConverse {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw validation("1 validation error detected: Value at 'messages' failed to satisfy constraint: Member must not be null and must contain at least 1 item");
  }
  let toolBlocks = 0;
  let lastToolResults = 0;
  const toolResultTurns: boolean[] = [];
  const turns: ChatTurn[] = messages.map((m, i) => {
    const o = (m ?? {}) as Record<string, unknown>;
    if (o.role !== 'user' && o.role !== 'assistant') {
      throw validation(`1 validation error detected: Value '${String(o.role)}' at 'messages.${i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`);
    }
    const blocks = contentBlocks(o.content, i, o.role);
    toolBlocks += blocks.toolBlocks;
    toolResultTurns.push(blocks.toolResults > 0);
    if (i === messages.length - 1) lastToolResults = blocks.toolResults;
    return { role: o.role, text: blocks.text };
  });
  if (turns[0].role !== 'user') throw validation('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
  for (let i = 1; i < turns.length; i++) {
    if (turns[i].role === turns[i - 1].role) throw validation('A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.');
  }
  const system = body.system !== undefined ? systemText(body.system) : undefined;
  const tools = parseToolConfig(body.toolConfig, model, opts.streaming ?? false);
  if (toolBlocks > 0 && !tools) throw validation('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
  checkAdditionalFields(body.additionalModelRequestFields, model);
  const guardrail = parseGuardrailConfig(body.guardrailConfig, 'guardrailConfig');

  const cfg = optObject(body, 'inferenceConfig') ?? {};
  let maxTokens = model.maxOutputTokens;
  if (cfg.maxTokens !== undefined && cfg.maxTokens !== null) {
    const v = cfg.maxTokens;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw validation(`1 validation error detected: Value '${String(v)}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1`);
    }
    if (v > model.maxOutputTokens) {
      throw validation(`The maximum tokens you requested exceeds the model limit of ${model.maxOutputTokens}. Try again with a maximum tokens value that is lower than ${model.maxOutputTokens}.`);
    }
    maxTokens = v;
  }
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
  return { system, messages: turns, maxTokens, stopSequences, tools, answersToolResult: lastToolResults > 0, toolResultTurns, guardrail };
}
