/**
 * One Converse turn, from a validated request to the reply content: context-window check, guardrail, tool call or
 * text answer, usage. Converse, ConverseStream and CountTokens share it so their token counts agree.
 */
import type { ResolvedModel } from './context.js';
import type { EmulatorContext } from './context.js';
import { parseConverseBody, type ParsedConverse } from './converse-request.js';
import { intervenes, resolveGuardrail } from './guardrails.js';
import { validation } from './http-util.js';
import { countTokens, generate } from './model-port.js';
import { hashId } from './rng.js';
import { chooseTool, fillToolInput } from './tool-use.js';
import { pairwiseJudgeReply } from './judge-reply.js';

export type ReplyBlock = { text: string } | { toolUse: { toolUseId: string; name: string; input: Record<string, unknown> } };

export interface ConverseReply {
  content: ReplyBlock[];
  stopReason: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'guardrail_intervened';
  inputTokens: number;
  outputTokens: number;
}

export const INPUT_TOO_LONG = 'Input is too long for requested model.';

/** Input tokens as Bedrock bills them: system, every turn, and the tool definitions. */
export function promptTokens(p: ParsedConverse): number {
  let n = countTokens(p.system ?? '');
  for (const m of p.messages) n += countTokens(m.text);
  if (p.tools) n += countTokens(JSON.stringify(p.tools.specs.map((s) => ({ name: s.name, description: s.description, schema: s.schema }))));
  return n;
}

/** Refuses an input over the model's context window, before any work is done on it. */
export function checkContextWindow(tokens: number, resolved: ResolvedModel): void {
  if (tokens > resolved.base.contextWindow) throw validation(INPUT_TOO_LONG);
}

export function converseReply(ctx: EmulatorContext, resolved: ResolvedModel, body: Record<string, unknown>, seq: number, streaming: boolean): ConverseReply {
  const parsed = parseConverseBody(body, resolved.base, { streaming });
  const guardrail = resolveGuardrail(ctx, parsed.guardrail);
  const inputTokens = promptTokens(parsed);
  checkContextWindow(inputTokens, resolved);
  const userText = [parsed.system ?? '', ...parsed.messages.filter((m) => m.role === 'user').map((m) => m.text)].join('\n');
  if (guardrail && intervenes(guardrail, userText)) {
    return { content: [{ text: guardrail.blockedInputMessaging }], stopReason: 'guardrail_intervened', inputTokens, outputTokens: 0 };
  }
  const tool = parsed.tools ? chooseTool(parsed.tools, parsed.messages, parsed.answersToolResult) : undefined;
  if (tool) {
    const input = fillToolInput(tool, parsed.system, parsed.messages, ctx.seed);
    const toolUseId = `tooluse_${hashId(22, ctx.seed, 'tooluse', seq, tool.name)}`;
    return { content: [{ toolUse: { toolUseId, name: tool.name, input } }], stopReason: 'tool_use', inputTokens, outputTokens: countTokens(JSON.stringify(input)) };
  }
  const judged = pairwiseJudgeReply(parsed.system, parsed.messages);
  if (judged !== undefined) return { content: [{ text: judged }], stopReason: 'end_turn', inputTokens, outputTokens: countTokens(judged) };
  const { system, messages } = readingOrder(parsed);
  const result = generate({ system, messages, maxTokens: parsed.maxTokens, stopSequences: parsed.stopSequences, customModel: resolved.customModel, seed: ctx.seed });
  if (guardrail && intervenes(guardrail, result.text)) {
    return { content: [{ text: guardrail.blockedOutputsMessaging }], stopReason: 'guardrail_intervened', inputTokens, outputTokens: result.outputTokens };
  }
  return { content: [{ text: result.text }], stopReason: result.stopReason, inputTokens, outputTokens: result.outputTokens };
}

/**
 * What the reader sees. After a tool call the last user turn holds the tool's results, not a question: the results
 * become context and the user's latest real question is asked again, so the answer is read from what the tool said.
 */
function readingOrder(p: ParsedConverse): Pick<ParsedConverse, 'system' | 'messages'> {
  if (!p.answersToolResult) return { system: p.system, messages: p.messages };
  const last = p.messages.length - 1;
  let q = last - 1;
  while (q >= 0 && (p.messages[q].role !== 'user' || p.toolResultTurns[q])) q--;
  const question = q >= 0 ? p.messages[q].text : '';
  // The results stand under the calls that asked for them, as a heading: a weather tool's "weather: light rain." does
  // not repeat the city, yet it is the answer about the city the call named.
  const calls = p.messages.slice(q + 1, last).filter((m) => m.role === 'assistant').map((m) => m.text).join(' ').replace(/\s+/gu, ' ').trim();
  const results = calls === '' ? p.messages[last].text : `# ${calls}\n${p.messages[last].text}`;
  const context = [p.system ?? '', results].filter((t) => t.trim() !== '').join('\n');
  return { system: context, messages: [{ role: 'user', text: question }] };
}
