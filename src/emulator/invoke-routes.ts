/**
 * InvokeModel and InvokeModelWithResponseStream: Titan Text Embeddings V2 bodies, and model-native text bodies for
 * every text model (invoke-native.ts). Token counts travel in Bedrock's response headers; the stream's last chunk
 * carries `amazon-bedrock-invocationMetrics`, as Bedrock's does.
 */
import type { Http2ServerResponse } from 'node:http2';
import { isEmbeddingModel } from './catalog.js';
import { resolveRuntimeModel } from './context.js';
import type { ResolvedModel } from './context.js';
import { checkContextWindow } from './converse-reply.js';
import { deltaPieces, eventFrame, padding } from './eventstream.js';
import { parseJsonObject, readBody, sendJson, validation } from './http-util.js';
import { nativeResponse, nativeStreamChunks, parseNativeBody } from './invoke-native.js';
import { generationMs, reportedLatencyMs, requestKeyOf, serviceTime } from './latency.js';
import { countTokens, embedText, generate } from './model-port.js';
import type { GenerateResult } from './model/api.js';
import { hashId, hashUniform } from './rng.js';
import type { Route, RouteArgs } from './routing.js';
import { logInvocation } from './invocation-logging.js';

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

function embeddingReply(body: Record<string, unknown>): { out: Record<string, unknown>; tokens: number } {
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
  return { out, tokens };
}

interface TextInvocation {
  req: ReturnType<typeof parseNativeBody>;
  result: GenerateResult;
}

function runText(a: RouteArgs, resolved: ResolvedModel, body: Record<string, unknown>): TextInvocation {
  const req = parseNativeBody(body, resolved.base);
  checkContextWindow(req.inputTokens, resolved);
  const result = generate({ system: req.system, messages: req.messages, maxTokens: req.maxTokens, stopSequences: req.stopSequences, customModel: resolved.customModel, seed: a.ctx.seed });
  return { req, result };
}

async function invokeModel(a: RouteArgs): Promise<void> {
  const resolved = resolveRuntimeModel(a.ctx, a.params.modelId);
  const body = parseJsonObject(await readBody(a.req));
  const t = serviceTime(a.ctx.latency, resolved.base.modelId, a.ctx.seed, requestKeyOf('invoke', a.params.modelId, body));
  if (isEmbeddingModel(resolved.base)) {
    const { out, tokens } = embeddingReply(body);
    await a.clock.advance(t.ttftMs);
    sendJson(a.res, 200, out, {
      'x-amzn-requestid': a.requestId,
      'x-amzn-bedrock-input-token-count': String(tokens),
      'x-amzn-bedrock-invocation-latency': String(reportedLatencyMs(a.clock.modelledMs)),
    });
    logInvocation(a.ctx, { operation: 'InvokeModel', modelId: a.params.modelId, requestId: a.requestId, inputBody: body, outputBody: out, inputTokens: tokens, embedding: true });
    return;
  }
  const { req, result } = runText(a, resolved, body);
  await a.clock.advance(generationMs(t, result.outputTokens));
  const response = nativeResponse(req, result, resolved.base, hashId(24, a.ctx.seed, 'msg', a.seq));
  sendJson(a.res, 200, response, {
    'x-amzn-requestid': a.requestId,
    'x-amzn-bedrock-input-token-count': String(req.inputTokens),
    'x-amzn-bedrock-output-token-count': String(result.outputTokens),
    'x-amzn-bedrock-invocation-latency': String(reportedLatencyMs(a.clock.modelledMs)),
  });
  logInvocation(a.ctx, { operation: 'InvokeModel', modelId: a.params.modelId, requestId: a.requestId, inputBody: body, outputBody: response, inputTokens: req.inputTokens, outputTokens: result.outputTokens });
}

/** InvokeModelWithResponseStream: `chunk` events whose `bytes` are the family's own stream payloads (base64 JSON). */
async function invokeModelStream(a: RouteArgs): Promise<void> {
  const resolved = resolveRuntimeModel(a.ctx, a.params.modelId);
  if (!resolved.base.responseStreamingSupported) throw validation(`The model ${resolved.base.modelId} does not support response streaming.`);
  const body = parseJsonObject(await readBody(a.req));
  const { req, result } = runText(a, resolved, body);
  const t = serviceTime(a.ctx.latency, resolved.base.modelId, a.ctx.seed, requestKeyOf('invoke', a.params.modelId, body));
  const pace = (ms: number) => a.clock.advance(ms);
  const res = a.res as Http2ServerResponse;
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': a.requestId, 'x-amzn-bedrock-content-type': 'application/json' });
  const pieces = deltaPieces(result.text);
  const chunks = nativeStreamChunks(req, result, pieces, resolved.base, hashId(24, a.ctx.seed, 'msg', a.seq));
  await pace(t.ttftMs);
  const firstByte = reportedLatencyMs(a.clock.modelledMs);
  const sent: Record<string, unknown>[] = [];
  for (let i = 0; i < chunks.length; i++) {
    if (i > 0) await pace(t.perTokenMs);
    const chunk = { ...chunks[i] };
    sent.push(chunk);
    if (i === chunks.length - 1) {
      chunk['amazon-bedrock-invocationMetrics'] = { inputTokenCount: req.inputTokens, outputTokenCount: result.outputTokens, invocationLatency: reportedLatencyMs(a.clock.modelledMs), firstByteLatency: firstByte };
    }
    res.write(eventFrame('chunk', { bytes: Buffer.from(JSON.stringify(chunk)).toString('base64'), p: padding(hashUniform(a.ctx.seed, 'pad', a.seq, i)) }));
  }
  res.end();
  // The stream is logged as the list of decoded chunks.
  logInvocation(a.ctx, { operation: 'InvokeModelWithResponseStream', modelId: a.params.modelId, requestId: a.requestId, inputBody: body, outputBody: sent, inputTokens: req.inputTokens, outputTokens: result.outputTokens });
}

export const invokeRoutes: Route[] = [
  { method: 'POST', pattern: '/model/{modelId}/invoke', dataPlane: true, service: 'runtime', handle: invokeModel },
  { method: 'POST', pattern: '/model/{modelId}/invoke-with-response-stream', dataPlane: true, service: 'runtime', handle: invokeModelStream },
];
