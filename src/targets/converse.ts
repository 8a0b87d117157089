/**
 * One streaming Converse call, shared by the model target and the retrieve-then-converse RAG mode. Streaming is
 * used so time to first token can be measured; the text, usage, service latency and stop reason are collected
 * from the event stream.
 */
import { ConverseCommand, ConverseStreamCommand, type BedrockRuntimeClient, type ConverseStreamCommandInput } from '@aws-sdk/client-bedrock-runtime';
import type { TargetRequest, TargetResponse, TokenUsage } from './types.js';

export interface InferenceSettings {
  maxTokens: number;
  temperature: number;
  /** Default system prompt; a request's own `system` wins. */
  system?: string;
  /**
   * ConverseStream (default, measures time to first token) or Converse (`inference.streaming: false`). Both share
   * the client's pooled HTTP/2 session (connections.ts), so neither pays a connection set-up per call.
   */
  streaming?: boolean;
}

export interface ConverseCall {
  modelId: string;
  prompt: string;
  system?: string;
  maxTokens: number;
  temperature: number;
  topP?: number;
  stopSequences?: string[];
  history?: TargetRequest['history'];
  requestMetadata?: Record<string, string>;
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
    messages: [...(call.history ?? []).map((m) => ({ role: m.role, content: [{ text: m.text }] })), { role: 'user', content: [{ text: call.prompt }] }],
    ...(call.system ? { system: [{ text: call.system }] } : {}),
    ...(call.requestMetadata ? { requestMetadata: call.requestMetadata } : {}),
    inferenceConfig: {
      maxTokens: call.maxTokens,
      temperature: call.temperature,
      ...(call.topP !== undefined ? { topP: call.topP } : {}),
      ...(call.stopSequences?.length ? { stopSequences: call.stopSequences } : {}),
    },
  };
}

/** One Converse call without streaming: no first-token time, pooled connections. */
export async function converseOnce(runtime: BedrockRuntimeClient, call: ConverseCall, signal: AbortSignal): Promise<ConverseResult> {
  const r = await runtime.send(new ConverseCommand(buildConverseInput(call)), { abortSignal: signal });
  const output = (r.output?.message?.content ?? []).map((b) => b.text ?? '').join('');
  const u = r.usage;
  return {
    output,
    ...(u && typeof u.inputTokens === 'number' && typeof u.outputTokens === 'number' ? { usage: { inputTokens: u.inputTokens, outputTokens: u.outputTokens } } : {}),
    ...(typeof r.metrics?.latencyMs === 'number' ? { serviceLatencyMs: r.metrics.latencyMs } : {}),
    ...(r.stopReason ? { stopReason: r.stopReason } : {}),
  };
}

/** Converse for a target's request: the request's own system prompt, max tokens and temperature win over the target's. */
export function converseForRequest(
  runtime: BedrockRuntimeClient,
  modelId: string,
  prompt: string,
  request: TargetRequest,
  inference: InferenceSettings,
  signal: AbortSignal,
  startedAt: number,
): Promise<ConverseResult> {
  const call = {
    modelId,
    prompt,
    system: request.system ?? inference.system,
    maxTokens: request.maxTokens ?? inference.maxTokens,
    temperature: request.temperature ?? inference.temperature,
    ...(request.topP !== undefined ? { topP: request.topP } : {}),
    ...(request.stopSequences ? { stopSequences: request.stopSequences } : {}),
    // Only the prompt the target was asked: a RAG prompt built from it replaces the last turn, earlier turns stay.
    ...(request.history?.length ? { history: request.history } : {}),
    ...(request.requestMetadata ? { requestMetadata: request.requestMetadata } : {}),
  };
  return converse(runtime, call, signal, startedAt, inference.streaming ?? true);
}

/** A target's answer from a Converse result: latency runs from `startedAt` to now; absent fields stay absent. */
export function responseFrom(r: ConverseResult, startedAt: number): TargetResponse {
  return {
    output: r.output,
    latencyMs: performance.now() - startedAt,
    ...(r.firstTokenMs !== undefined ? { firstTokenMs: r.firstTokenMs } : {}),
    ...(r.serviceLatencyMs !== undefined ? { serviceLatencyMs: r.serviceLatencyMs } : {}),
    ...(r.usage ? { usage: r.usage } : {}),
    ...(r.stopReason ? { stopReason: r.stopReason } : {}),
  };
}

/** Streaming unless the settings say otherwise. */
export function converse(runtime: BedrockRuntimeClient, call: ConverseCall, signal: AbortSignal, startedAt: number, streaming = true): Promise<ConverseResult> {
  return streaming ? converseStream(runtime, call, signal, startedAt) : converseOnce(runtime, call, signal);
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
  // No per-event race against the signal: an abort closes the HTTP/2 stream (the SDK handler listens on the signal),
  // which ends this iteration; the checks below turn an ended-by-abort stream into an error, never a short answer.
  // The runner's CallSupervisor still gives up on a transport that never notices.
  for await (const event of response.stream) {
    if (signal.aborted) throw abortError(signal);
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
  if (signal.aborted) throw abortError(signal);
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

function abortError(signal: AbortSignal): Error {
  const err = new Error('Request aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}
