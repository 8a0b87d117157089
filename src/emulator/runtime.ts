/**
 * bedrock-runtime operations: Converse, ConverseStream, InvokeModel (Titan Text Embeddings V2), CountTokens.
 */
import type { Http2ServerResponse } from 'node:http2';
import { isEmbeddingModel } from './catalog.js';
import { requireTextModel, resolveRuntimeModel } from './context.js';
import type { ResolvedModel } from './context.js';
import { parseConverseBody } from './converse-request.js';
import { eventFrame, exceptionFrame, padding } from './eventstream.js';
import { faultError } from './faults.js';
import { ApiError, dropConnection, parseJsonObject, readBody, sendJson, sleep, validation } from './http-util.js';
import { generationMs, reportedLatencyMs, requestKeyOf, serviceTime } from './latency.js';
import { countTokens, embedText, generate } from './model-port.js';
import type { GenerateResult } from './model/api.js';
import { hashUniform } from './rng.js';
import type { Route, RouteArgs } from './routing.js';

function runGenerate(a: RouteArgs, resolved: ResolvedModel, body: Record<string, unknown>): GenerateResult {
  const parsed = parseConverseBody(body, resolved.base);
  return generate({ ...parsed, customModel: resolved.customModel, seed: a.ctx.seed });
}

async function converse(a: RouteArgs): Promise<void> {
  const resolved = requireTextModel(resolveRuntimeModel(a.ctx, a.params.modelId));
  const body = parseJsonObject(await readBody(a.req));
  const result = runGenerate(a, resolved, body);
  const t = serviceTime(a.ctx.latency, resolved.base.modelId, a.ctx.seed, requestKeyOf('converse', a.params.modelId, body));
  const modelledMs = generationMs(t, result.outputTokens);
  await sleep(modelledMs);
  sendJson(
    a.res,
    200,
    {
      output: { message: { role: 'assistant', content: [{ text: result.text }] } },
      stopReason: result.stopReason,
      usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens, totalTokens: result.inputTokens + result.outputTokens },
      // The modelled service time (plus any injected slowness), not this thread's wall time: see latency.ts.
      metrics: { latencyMs: reportedLatencyMs(a.fault.slowMs + modelledMs) },
    },
    { 'x-amzn-requestid': a.requestId },
  );
}

/** Splits text into delta pieces of a few words each; concatenating the pieces gives the text back exactly. */
export function deltaPieces(text: string, wordsPerPiece = 3): string[] {
  const words = text.match(/\s*\S+|\s+$/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerPiece) pieces.push(words.slice(i, i + wordsPerPiece).join(''));
  return pieces;
}

const STREAM_EXCEPTION: Record<string, string> = {
  throttle: 'throttlingException',
  'server-error': 'internalServerException',
  unavailable: 'serviceUnavailableException',
};

async function converseStream(a: RouteArgs): Promise<void> {
  const seq = a.seq;
  // Half of the injected faults happen mid-stream (after the 200 and some deltas), as on Bedrock; those are not retried by the SDK.
  const midStream = a.fault.kind !== 'none' && hashUniform(a.ctx.seed, 'mid-stream', seq) < 0.5;
  if (!midStream) preResponseFault(a, 'runtime');
  const resolved = requireTextModel(resolveRuntimeModel(a.ctx, a.params.modelId));
  if (!resolved.base.responseStreamingSupported) throw validation(`The model ${resolved.base.modelId} does not support response streaming.`);
  const body = parseJsonObject(await readBody(a.req));
  const result = runGenerate(a, resolved, body);
  const t = serviceTime(a.ctx.latency, resolved.base.modelId, a.ctx.seed, requestKeyOf('converse', a.params.modelId, body));
  let modelledMs = a.fault.slowMs;
  const pace = (ms: number) => {
    modelledMs += ms;
    return sleep(ms);
  };
  const res = a.res as Http2ServerResponse;
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': a.requestId });
  let frameNo = 0;
  const send = (type: string, payload: Record<string, unknown>): void => {
    res.write(eventFrame(type, { ...payload, p: padding(hashUniform(a.ctx.seed, 'pad', seq, frameNo++)) }));
  };
  send('messageStart', { role: 'assistant' });
  await pace(t.ttftMs);
  const pieces = deltaPieces(result.text);
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) await pace(countTokens(pieces[i]) * t.perTokenMs);
    send('contentBlockDelta', { contentBlockIndex: 0, delta: { text: pieces[i] } });
    if (midStream && i === Math.floor(pieces.length / 2)) {
      if (a.fault.kind === 'reset') return dropConnection(a.req);
      res.end(exceptionFrame(STREAM_EXCEPTION[a.fault.kind], faultError(a.fault.kind, 'runtime')!.message));
      return;
    }
  }
  if (midStream && pieces.length === 0) {
    if (a.fault.kind === 'reset') return dropConnection(a.req);
    res.end(exceptionFrame(STREAM_EXCEPTION[a.fault.kind], faultError(a.fault.kind, 'runtime')!.message));
    return;
  }
  send('contentBlockStop', { contentBlockIndex: 0 });
  send('messageStop', { stopReason: result.stopReason });
  send('metadata', {
    usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens, totalTokens: result.inputTokens + result.outputTokens },
    metrics: { latencyMs: reportedLatencyMs(modelledMs) },
  });
  res.end();
}

/** Throws the injected fault as an HTTP error, or drops the connection. Called before any response byte is sent. */
export function preResponseFault(a: RouteArgs, service: 'runtime' | 'agent-runtime'): void {
  if (a.fault.kind === 'reset') {
    dropConnection(a.req);
    throw new DroppedConnection();
  }
  const e = faultError(a.fault.kind, service);
  if (e) throw new ApiError(e.status, e.code, e.message);
}

/** Signals the server that the request was dropped on purpose and needs no response. */
export class DroppedConnection extends Error {}

const EMBED_DIMENSIONS = new Set([256, 512, 1024]);
const MAX_EMBED_CHARS = 50_000;
const MAX_EMBED_TOKENS = 8_192;

function embeddingRequest(body: Record<string, unknown>): { inputText: string; dimensions: number; normalize: boolean; types: string[] } {
  const inputText = body.inputText;
  if (typeof inputText !== 'string' || inputText.length === 0) throw validation('Malformed input request: #: required key [inputText] not found or empty, please reformat your input and try again.');
  if (inputText.length > MAX_EMBED_CHARS) throw validation(`Malformed input request: #/inputText: expected maxLength: ${MAX_EMBED_CHARS}, actual: ${inputText.length}`);
  const dimensions = body.dimensions ?? 1024;
  if (typeof dimensions !== 'number' || !EMBED_DIMENSIONS.has(dimensions)) throw validation('Malformed input request: #/dimensions: must be one of 256, 512, 1024');
  const normalize = body.normalize ?? true;
  if (typeof normalize !== 'boolean') throw validation('Malformed input request: #/normalize: expected type: Boolean');
  const types = body.embeddingTypes ?? ['float'];
  if (!Array.isArray(types) || types.length === 0 || types.some((x) => x !== 'float' && x !== 'binary')) {
    throw validation('Malformed input request: #/embeddingTypes: items must be "float" or "binary"');
  }
  return { inputText, dimensions, normalize, types: types as string[] };
}

async function invokeModel(a: RouteArgs): Promise<void> {
  const resolved = resolveRuntimeModel(a.ctx, a.params.modelId);
  if (!isEmbeddingModel(resolved.base)) {
    throw validation(`The emulator serves InvokeModel for amazon.titan-embed-text-v2:0 only; call ${resolved.base.modelId} through Converse.`);
  }
  const body = parseJsonObject(await readBody(a.req));
  const r = embeddingRequest(body);
  const tokens = countTokens(r.inputText);
  if (tokens > MAX_EMBED_TOKENS) throw validation(`400 Bad Request: Too many input tokens. Max input tokens: ${MAX_EMBED_TOKENS}, request input token count: ${tokens}`);
  const embedding = embedText(r.inputText, { dimensions: r.dimensions as 256 | 512 | 1024, normalize: r.normalize });
  const out: Record<string, unknown> = { embedding, inputTextTokenCount: tokens };
  if (body.embeddingTypes !== undefined) {
    const byType: Record<string, number[]> = {};
    if (r.types.includes('float')) byType.float = embedding;
    if (r.types.includes('binary')) byType.binary = embedding.map((x) => (x > 0 ? 1 : 0));
    out.embeddingsByType = byType;
  }
  const t = serviceTime(a.ctx.latency, resolved.base.modelId, a.ctx.seed, requestKeyOf('invoke', a.params.modelId, body));
  await sleep(t.ttftMs);
  sendJson(a.res, 200, out, {
    'x-amzn-requestid': a.requestId,
    'x-amzn-bedrock-input-token-count': String(tokens),
    'x-amzn-bedrock-invocation-latency': String(reportedLatencyMs(a.fault.slowMs + t.ttftMs)),
  });
}

/** Token count of a model-native InvokeModel body (Titan embeddings/text, Nova messages, Llama prompt). */
function invokeBodyTokens(a: RouteArgs, resolved: ResolvedModel, raw: Record<string, unknown>): number {
  if (typeof raw.inputText === 'string') return countTokens(raw.inputText);
  if (typeof raw.prompt === 'string') return countTokens(raw.prompt);
  if (Array.isArray(raw.messages)) return runGenerateCount(a, resolved, { messages: raw.messages, system: raw.system });
  throw validation('The provided request body is not valid for this model: expected inputText, prompt or messages.');
}

function runGenerateCount(a: RouteArgs, resolved: ResolvedModel, body: Record<string, unknown>): number {
  // The count that would be charged is the model's own prompt count, so ask the model with a one-token budget.
  const parsed = parseConverseBody({ ...body, inferenceConfig: undefined }, resolved.base);
  return generate({ ...parsed, maxTokens: 1, customModel: resolved.customModel, seed: a.ctx.seed }).inputTokens;
}

async function countTokensOp(a: RouteArgs): Promise<void> {
  const resolved = resolveRuntimeModel(a.ctx, a.params.modelId);
  const body = parseJsonObject(await readBody(a.req));
  const input = body.input as Record<string, unknown> | undefined;
  if (!input || typeof input !== 'object') throw validation("1 validation error detected: Value at 'input' failed to satisfy constraint: Member must not be null");
  let inputTokens: number;
  if (input.converse && typeof input.converse === 'object') {
    if (isEmbeddingModel(resolved.base)) throw validation(`The model ${resolved.base.modelId} does not support the Converse API.`);
    inputTokens = runGenerateCount(a, resolved, input.converse as Record<string, unknown>);
  } else if (input.invokeModel && typeof input.invokeModel === 'object') {
    const b64 = (input.invokeModel as Record<string, unknown>).body;
    if (typeof b64 !== 'string') throw validation("1 validation error detected: Value at 'input.invokeModel.body' failed to satisfy constraint: Member must not be null");
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
    } catch {
      throw validation('The provided request body is not valid JSON.');
    }
    if (!raw || typeof raw !== 'object') throw validation('The provided request body must be a JSON object.');
    inputTokens = invokeBodyTokens(a, resolved, raw as Record<string, unknown>);
  } else throw validation("1 validation error detected: Value at 'input' must contain exactly one of converse, invokeModel");
  sendJson(a.res, 200, { inputTokens }, { 'x-amzn-requestid': a.requestId });
}

export const runtimeRoutes: Route[] = [
  { method: 'POST', pattern: '/model/{modelId}/converse', dataPlane: true, service: 'runtime', handle: converse },
  { method: 'POST', pattern: '/model/{modelId}/converse-stream', dataPlane: true, selfFaulting: true, service: 'runtime', handle: converseStream },
  { method: 'POST', pattern: '/model/{modelId}/invoke', dataPlane: true, service: 'runtime', handle: invokeModel },
  { method: 'POST', pattern: '/model/{modelId}/count-tokens', dataPlane: true, service: 'runtime', handle: countTokensOp },
];
