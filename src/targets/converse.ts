/**
 * One streaming Converse call, shared by the model target and the retrieve-then-converse RAG mode. Streaming is
 * used so time to first token can be measured; the text, usage, service latency and stop reason are collected
 * from the event stream.
 */
import { ConverseStreamCommand, type BedrockRuntimeClient, type ConverseStreamCommandInput } from '@aws-sdk/client-bedrock-runtime';
import type { TokenUsage } from './types.js';

export interface InferenceSettings {
  maxTokens: number;
  temperature: number;
  /** Default system prompt; a request's own `system` wins. */
  system?: string;
}

export interface ConverseCall {
  modelId: string;
  prompt: string;
  system?: string;
  maxTokens: number;
  temperature: number;
}

export interface ConverseResult {
  output: string;
  /** Milliseconds from `startedAt` to the first text delta, when any text arrived. */
  firstTokenMs?: number;
  serviceLatencyMs?: number;
  usage?: TokenUsage;
  stopReason?: string;
}

export function buildConverseInput(call: ConverseCall): ConverseStreamCommandInput {
  return {
    modelId: call.modelId,
    messages: [{ role: 'user', content: [{ text: call.prompt }] }],
    ...(call.system ? { system: [{ text: call.system }] } : {}),
    inferenceConfig: { maxTokens: call.maxTokens, temperature: call.temperature },
  };
}

/**
 * @param startedAt `performance.now()` when the caller's measured call began (for RAG, before Retrieve), so
 *   first-token time is what a user of that system would wait.
 */
export async function converseStream(
  runtime: BedrockRuntimeClient,
  call: ConverseCall,
  signal: AbortSignal,
  startedAt: number,
): Promise<ConverseResult> {
  const response = await runtime.send(new ConverseStreamCommand(buildConverseInput(call)), { abortSignal: signal });
  const result: ConverseResult = { output: '' };
  const parts: string[] = [];
  if (!response.stream) throw new Error('ConverseStream returned no stream');
  for await (const event of abortable(response.stream, signal)) {
    if (event.contentBlockDelta?.delta?.text !== undefined) {
      const text = event.contentBlockDelta.delta.text;
      if (result.firstTokenMs === undefined && text.length > 0) result.firstTokenMs = performance.now() - startedAt;
      parts.push(text);
    } else if (event.messageStop) {
      result.stopReason = event.messageStop.stopReason;
    } else if (event.metadata) {
      const u = event.metadata.usage;
      if (u && typeof u.inputTokens === 'number' && typeof u.outputTokens === 'number') {
        result.usage = { inputTokens: u.inputTokens, outputTokens: u.outputTokens };
      }
      if (typeof event.metadata.metrics?.latencyMs === 'number') result.serviceLatencyMs = event.metadata.metrics.latencyMs;
    } else {
      // Mid-stream exception members surface as properties on the event; make them errors the mapper understands.
      const failure = streamException(event as unknown as Record<string, unknown>);
      if (failure) throw failure;
    }
  }
  result.output = parts.join('');
  return result;
}

const STREAM_EXCEPTIONS = [
  'internalServerException',
  'modelStreamErrorException',
  'validationException',
  'throttlingException',
  'serviceUnavailableException',
];

function streamException(event: Record<string, unknown>): Error | undefined {
  for (const member of STREAM_EXCEPTIONS) {
    const body = event[member] as { message?: string } | undefined;
    if (body) {
      const err = new Error(body.message ?? member);
      err.name = member[0].toUpperCase() + member.slice(1);
      return err;
    }
  }
  return undefined;
}

/** Iterate a stream but give up as soon as the signal fires, even if the transport does not notice. */
async function* abortable<T>(stream: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = stream[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    while (true) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    if (signal.aborted) void iterator.return?.()?.catch?.(() => undefined);
  }
}

function abortError(signal: AbortSignal): Error {
  const err = new Error('Request aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}
