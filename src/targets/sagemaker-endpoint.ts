/**
 * A SageMaker real-time endpoint (a JumpStart model, fine-tuned or not) as a system under test: InvokeEndpoint, or
 * InvokeEndpointWithResponseStream (default) so time to first token is measured. Bodies follow the container's
 * format (sagemaker-formats.ts). Usage is the container's own count where it reports one; otherwise ftrag's tokenizer
 * counts prompt and answer and the usage is marked `estimated`.
 *
 * SageMaker reports no model latency in the response (only CloudWatch's ModelLatency metric), so on AWS
 * `serviceLatencyMs` is absent; the ftrag emulator reports its modelled time in a header, which is read here.
 */
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { ContainerFormat } from '../models/jumpstart.js';
import type { DescribedTarget } from './bedrock-model.js';
import type { ConnectionTally } from './connections.js';
import { EMULATOR_SERVICE_LATENCY_HEADER } from './connections.js';
import type { InferenceSettings } from './converse.js';
import { toTargetError } from './errors.js';
import { parseAnswer, parseStreamEvent, requestBody, SseLineDecoder, type GenerationPiece } from './sagemaker-formats.js';
import type { InvokeOptions, SystemKind, TargetRequest, TargetResponse, TokenUsage } from './types.js';
import { sageMakerRuntimeSdk } from './sdk.js';

export interface SageMakerEndpointTargetOptions {
  id: string;
  kind: SystemKind;
  endpointName: string;
  /** What run.json records as the system's model: the endpoint's ARN or name. */
  modelId: string;
  format: ContainerFormat;
  runtime: SageMakerRuntimeClient;
  inference: InferenceSettings;
}

interface Collected {
  text: string;
  firstTokenMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  stopReason?: string;
  serviceMs?: number;
}

export function createSageMakerEndpointTarget(opts: SageMakerEndpointTargetOptions): DescribedTarget {
  const { id, kind, endpointName, modelId, format, runtime, inference } = opts;
  const connections: ConnectionTally = { opened: 0 };
  return {
    id,
    kind,
    modelId,
    connections,
    description: {
      config: { type: 'sagemaker-endpoint', endpointName, format, inference },
      defaultMaxTokens: inference.maxTokens,
    },
    async invoke(request: TargetRequest, { signal }: InvokeOptions): Promise<TargetResponse> {
      const call = {
        prompt: request.prompt,
        system: request.system ?? inference.system,
        maxTokens: request.maxTokens ?? inference.maxTokens,
        temperature: request.temperature ?? inference.temperature,
        stream: inference.streaming ?? true,
      };
      const body = new TextEncoder().encode(JSON.stringify(requestBody(format, call)));
      const startedAt = performance.now();
      try {
        const got = call.stream
          ? await invokeStreaming(runtime, endpointName, format, body, signal, startedAt)
          : await invokeOnce(runtime, endpointName, format, body, signal);
        const latencyMs = performance.now() - startedAt;
        if (signal.aborted) throw abortError(signal);
        return {
          output: got.text,
          latencyMs,
          ...(got.firstTokenMs !== undefined ? { firstTokenMs: Math.min(got.firstTokenMs, latencyMs) } : {}),
          ...(got.serviceMs !== undefined ? { serviceLatencyMs: got.serviceMs } : {}),
          usage: await usageOf(got, call.system ? `${call.system}\n\n${call.prompt}` : call.prompt),
          ...(got.stopReason ? { stopReason: got.stopReason } : {}),
        };
      } catch (err) {
        throw toTargetError(err, signal);
      }
    },
  };
}

/** The container's counts when it gave both; otherwise ftrag's tokenizer fills what is missing, labelled estimated. */
async function usageOf(got: Collected, prompt: string): Promise<TokenUsage> {
  if (got.inputTokens !== undefined && got.outputTokens !== undefined) return { inputTokens: got.inputTokens, outputTokens: got.outputTokens };
  const { countTokens } = await import('../util/tokenizer.js'); // loaded on first use only
  return {
    inputTokens: got.inputTokens ?? countTokens(prompt),
    outputTokens: got.outputTokens ?? countTokens(got.text),
    estimated: true,
  };
}

/** Reads the emulator's modelled service time from the response headers of this one command (AWS never sends it). */
function withServiceTime<C extends { middlewareStack: { add: (...a: never[]) => unknown } }>(command: C, sink: Collected): C {
  const stack = command.middlewareStack as unknown as {
    add: (mw: (next: (a: unknown) => Promise<{ response: unknown }>) => (a: unknown) => Promise<{ response: unknown }>, o: { step: string; name: string }) => void;
  };
  stack.add(
    (next) => async (args) => {
      const out = await next(args);
      const headers = (out.response as { headers?: Record<string, string> } | undefined)?.headers ?? {};
      const v = Number(headers[EMULATOR_SERVICE_LATENCY_HEADER]);
      if (headers[EMULATOR_SERVICE_LATENCY_HEADER] !== undefined && Number.isFinite(v)) sink.serviceMs = v;
      return out;
    },
    { step: 'deserialize', name: 'ftragEmulatorServiceTime' },
  );
  return command;
}

async function invokeOnce(runtime: SageMakerRuntimeClient, endpointName: string, format: ContainerFormat, body: Uint8Array, signal: AbortSignal): Promise<Collected> {
  const got: Collected = { text: '' };
  const command = withServiceTime(new sageMakerRuntimeSdk.InvokeEndpointCommand({ EndpointName: endpointName, Body: body, ContentType: 'application/json', Accept: 'application/json' }), got);
  const r = await runtime.send(command, { abortSignal: signal });
  const raw = r.Body ? new TextDecoder().decode(r.Body) : '';
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`endpoint ${endpointName} answered with a body that is not JSON (${raw.length} characters)`);
  }
  const answer = parseAnswer(format, json);
  return { ...got, ...answer };
}

async function invokeStreaming(
  runtime: SageMakerRuntimeClient,
  endpointName: string,
  format: ContainerFormat,
  body: Uint8Array,
  signal: AbortSignal,
  startedAt: number,
): Promise<Collected> {
  const got: Collected = { text: '' };
  const command = withServiceTime(new sageMakerRuntimeSdk.InvokeEndpointWithResponseStreamCommand({ EndpointName: endpointName, Body: body, ContentType: 'application/json', Accept: 'application/json' }), got);
  const r = await runtime.send(command, { abortSignal: signal });
  if (!r.Body) throw new Error(`endpoint ${endpointName} returned no stream`);
  const decoder = new SseLineDecoder();
  const parts: string[] = [];
  const take = (piece: GenerationPiece | undefined): void => {
    if (!piece) return;
    if (piece.text) {
      if (got.firstTokenMs === undefined) got.firstTokenMs = performance.now() - startedAt;
      parts.push(piece.text);
    }
    if (piece.inputTokens !== undefined) got.inputTokens = piece.inputTokens;
    if (piece.outputTokens !== undefined) got.outputTokens = piece.outputTokens;
    if (piece.stopReason) got.stopReason = piece.stopReason;
  };
  for await (const event of r.Body) {
    if (signal.aborted) throw abortError(signal);
    if (event.PayloadPart?.Bytes) for (const e of decoder.push(event.PayloadPart.Bytes)) take(parseStreamEvent(format, e));
    else if (event.ModelStreamError) throw namedError('ModelStreamErrorException', event.ModelStreamError.Message ?? 'model stream error');
    else if (event.InternalStreamFailure) throw namedError('InternalServerException', event.InternalStreamFailure.Message ?? 'internal stream failure');
  }
  for (const e of decoder.end()) take(parseStreamEvent(format, e));
  if (signal.aborted) throw abortError(signal);
  got.text = parts.join('');
  return got;
}

function namedError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

function abortError(signal: AbortSignal): Error {
  const err = new Error('Request aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}
