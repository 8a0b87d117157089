/**
 * Request and response bodies of the text-generation containers JumpStart deploys, as their sources document them:
 *
 * - `tgi`: Hugging Face TGI's `inputs`/`parameters` request (router/src/server.rs `compat_generate`, which SageMaker's
 *   /invocations route calls for it, router/src/sagemaker.rs). The answer is `[{generated_text, details}]` (wrapped in
 *   an array "to match api-inference"); other containers answer a bare `{generated_text}`, so both are read.
 *   `details` carries `generated_tokens` and, with `decoder_input_details`, the `prefill` tokens (the input count).
 *   Streaming sends Server-Sent Events `data:{"token":{"text",...,"special"},"generated_text":null|..., "details":
 *   null|{finish_reason, generated_tokens, ...}}`.
 * - `messages`: TGI's Messages API (docs/source/openai_compatible.md), the OpenAI chat-completions shape: request
 *   `{messages, max_tokens, temperature, stream}`, answer `choices[0].message.content` and `usage.{prompt_tokens,
 *   completion_tokens}`; streaming sends `data:` lines of `chat.completion.chunk` objects (`choices[0].delta.content`)
 *   ending with `data: [DONE]`, usage in the last chunk when `stream_options.include_usage` is set.
 *
 * Through SageMaker's InvokeEndpointWithResponseStream the SSE bytes arrive in PayloadPart events split at arbitrary
 * byte positions, so lines are reassembled before they are parsed (SseLineDecoder).
 */
import type { ContainerFormat } from '../models/jumpstart.js';

export interface GenerationCall {
  prompt: string;
  system?: string;
  maxTokens: number;
  temperature: number;
  stream: boolean;
}

/** What one answer (or one stream event) says; absent fields were not reported. */
export interface GenerationPiece {
  text?: string;
  inputTokens?: number;
  outputTokens?: number;
  stopReason?: string;
}

export function requestBody(format: ContainerFormat, call: GenerationCall): Record<string, unknown> {
  if (format === 'messages') {
    const messages = [...(call.system ? [{ role: 'system', content: call.system }] : []), { role: 'user', content: call.prompt }];
    return {
      messages,
      max_tokens: call.maxTokens,
      temperature: call.temperature,
      ...(call.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
  }
  // TGI refuses temperature 0 ("must be strictly positive"): greedy decoding is do_sample false without a temperature.
  const sampling = call.temperature > 0 ? { do_sample: true, temperature: call.temperature } : { do_sample: false };
  return {
    inputs: call.system ? `${call.system}\n\n${call.prompt}` : call.prompt,
    parameters: {
      max_new_tokens: call.maxTokens,
      return_full_text: false,
      details: true,
      // The prefill tokens are the service's own input count; TGI does not send them on a stream.
      ...(call.stream ? {} : { decoder_input_details: true }),
      ...sampling,
    },
    ...(call.stream ? { stream: true } : {}),
  };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** A whole (non-streaming) answer. Throws when the body is not the format's shape. */
export function parseAnswer(format: ContainerFormat, body: unknown): GenerationPiece & { text: string } {
  if (format === 'messages') {
    const b = obj(body);
    const choice = obj((b?.choices as unknown[] | undefined)?.[0]);
    const content = obj(choice?.message)?.content;
    if (typeof content !== 'string') throw new Error('the endpoint answered without choices[0].message.content (is it a Messages API container?)');
    const usage = obj(b?.usage);
    return {
      text: content,
      ...(num(usage?.prompt_tokens) !== undefined ? { inputTokens: num(usage?.prompt_tokens) } : {}),
      ...(num(usage?.completion_tokens) !== undefined ? { outputTokens: num(usage?.completion_tokens) } : {}),
      ...(typeof choice?.finish_reason === 'string' ? { stopReason: choice.finish_reason } : {}),
    };
  }
  const first = obj(Array.isArray(body) ? body[0] : body);
  if (typeof first?.generated_text !== 'string') throw new Error('the endpoint answered without generated_text (is it a TGI inputs/parameters container?)');
  const details = obj(first.details);
  const prefill = Array.isArray(details?.prefill) && details.prefill.length > 0 ? details.prefill.length : num(details?.prompt_tokens);
  return {
    text: first.generated_text,
    ...(prefill !== undefined ? { inputTokens: prefill } : {}),
    ...(num(details?.generated_tokens) !== undefined ? { outputTokens: num(details?.generated_tokens) } : {}),
    ...(typeof details?.finish_reason === 'string' ? { stopReason: details.finish_reason } : {}),
  };
}

/** One parsed `data:` event of a stream; undefined for `[DONE]` and events that carry nothing. */
export function parseStreamEvent(format: ContainerFormat, event: unknown): GenerationPiece | undefined {
  const e = obj(event);
  if (!e) return undefined;
  if (typeof e.error === 'string') throw new Error(`the endpoint's stream failed: ${e.error}`);
  const piece: GenerationPiece = {};
  if (format === 'messages') {
    const choice = obj((e.choices as unknown[] | undefined)?.[0]);
    const delta = obj(choice?.delta);
    if (typeof delta?.content === 'string') piece.text = delta.content;
    if (typeof choice?.finish_reason === 'string') piece.stopReason = choice.finish_reason;
    const usage = obj(e.usage);
    if (num(usage?.prompt_tokens) !== undefined) piece.inputTokens = num(usage?.prompt_tokens);
    if (num(usage?.completion_tokens) !== undefined) piece.outputTokens = num(usage?.completion_tokens);
  } else {
    const token = obj(e.token);
    if (token && token.special !== true && typeof token.text === 'string') piece.text = token.text;
    const details = obj(e.details);
    if (details) {
      if (num(details.generated_tokens) !== undefined) piece.outputTokens = num(details.generated_tokens);
      if (num(details.prompt_tokens) !== undefined) piece.inputTokens = num(details.prompt_tokens);
      if (typeof details.finish_reason === 'string') piece.stopReason = details.finish_reason;
    }
  }
  return Object.keys(piece).length > 0 ? piece : undefined;
}

/**
 * Reassembles Server-Sent Event lines from byte chunks split anywhere (even inside a UTF-8 character) and yields the
 * JSON of each `data:` line. Lines that are not data (comments, `event:`, blank separators) are skipped; a JSON line
 * without the `data:` prefix (some containers stream JSON Lines) is accepted too.
 */
export class SseLineDecoder {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';

  push(bytes: Uint8Array): unknown[] {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    return lines.flatMap((l) => this.parseLine(l));
  }

  /** Whatever is left once the stream ended (a last line without its newline). */
  end(): unknown[] {
    const rest = this.buffer + this.decoder.decode();
    this.buffer = '';
    return this.parseLine(rest);
  }

  private parseLine(raw: string): unknown[] {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith(':') || line.startsWith('event:') || line.startsWith('id:')) return [];
    const data = line.startsWith('data:') ? line.slice(5).trim() : line;
    if (data === '[DONE]') return [];
    try {
      return [JSON.parse(data)];
    } catch {
      throw new Error(`the endpoint streamed a line that is not JSON (${data.length} characters)`);
    }
  }
}
