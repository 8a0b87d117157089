/**
 * bedrock-runtime operations: Converse, ConverseStream, CountTokens; InvokeModel and its stream live in invoke-routes.ts.
 */
import type { Http2ServerResponse } from 'node:http2';
import { isEmbeddingModel } from './catalog.js';
import { requireTextModel, resolveRuntimeModel } from './context.js';
import type { ResolvedModel } from './context.js';
import { parseConverseBody } from './converse-request.js';
import { checkContextWindow, converseReply, promptTokens } from './converse-reply.js';
import { parseNativeBody } from './invoke-native.js';
import { invokeRoutes } from './invoke-routes.js';
import { deltaPieces, eventFrame, exceptionFrame, padding } from './eventstream.js';
import { faultError } from './faults.js';
import { ApiError, dropConnection, parseJsonObject, readBody, sendJson, validation } from './http-util.js';
import { generationMs, reportedLatencyMs, requestKeyOf, serviceTime } from './latency.js';
import { countTokens, embedText } from './model-port.js';
import { hashUniform } from './rng.js';
import { logInvocation } from './invocation-logging.js';
import type { Route, RouteArgs } from './routing.js';

async function converse(a: RouteArgs): Promise<void> {
  const resolved = requireTextModel(resolveRuntimeModel(a.ctx, a.params.modelId));
  const body = parseJsonObject(await readBody(a.req));
  const reply = converseReply(a.ctx, resolved, body, a.seq, false);
  const t = serviceTime(a.ctx.latency, resolved.base.modelId, a.ctx.seed, requestKeyOf('converse', a.params.modelId, body));
  // The reply was computed inside the modelled time (service-clock.ts): answer when that time is up.
  await a.clock.advance(generationMs(t, reply.outputTokens));
  const response = {
    output: { message: { role: 'assistant', content: reply.content } },
    stopReason: reply.stopReason,
    usage: { inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, totalTokens: reply.inputTokens + reply.outputTokens },
    // The modelled service time (plus any injected slowness), not this thread's wall time: see latency.ts.
    metrics: { latencyMs: reportedLatencyMs(a.clock.modelledMs) },
  };
  sendJson(a.res, 200, response, { 'x-amzn-requestid': a.requestId });
  logInvocation(a.ctx, { operation: 'Converse', modelId: a.params.modelId, requestId: a.requestId, inputBody: body, outputBody: response, inputTokens: reply.inputTokens, outputTokens: reply.outputTokens });
}

export { deltaPieces } from './eventstream.js';

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
  const reply = converseReply(a.ctx, resolved, body, seq, true);
  const t = serviceTime(a.ctx.latency, resolved.base.modelId, a.ctx.seed, requestKeyOf('converse', a.params.modelId, body));
  const pace = (ms: number) => a.clock.advance(ms);
  const res = a.res as Http2ServerResponse;
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': a.requestId });
  let frameNo = 0;
  const send = (type: string, payload: Record<string, unknown>): void => {
    res.write(eventFrame(type, { ...payload, p: padding(hashUniform(a.ctx.seed, 'pad', seq, frameNo++)) }));
  };
  send('messageStart', { role: 'assistant' });
  await pace(t.ttftMs);
  const block = reply.content[0];
  let pieces: string[];
  if ('toolUse' in block) {
    send('contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: block.toolUse.toolUseId, name: block.toolUse.name } } });
    pieces = jsonPieces(JSON.stringify(block.toolUse.input));
  } else pieces = deltaPieces(block.text);
  const deltaOf = (piece: string) => ('toolUse' in block ? { toolUse: { input: piece } } : { text: piece });
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) await pace(countTokens(pieces[i]) * t.perTokenMs);
    send('contentBlockDelta', { contentBlockIndex: 0, delta: deltaOf(pieces[i]) });
    if (midStream && i === Math.floor(pieces.length / 2)) return streamFault(a, res);
  }
  if (midStream && pieces.length === 0) return streamFault(a, res);
  send('contentBlockStop', { contentBlockIndex: 0 });
  send('messageStop', { stopReason: reply.stopReason });
  const usage = { inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, totalTokens: reply.inputTokens + reply.outputTokens };
  send('metadata', { usage, metrics: { latencyMs: reportedLatencyMs(a.clock.modelledMs) } });
  res.end();
  // Bedrock logs a ConverseStream call with the assembled Converse response.
  const assembled = { output: { message: { role: 'assistant', content: reply.content } }, stopReason: reply.stopReason, usage, metrics: { latencyMs: reportedLatencyMs(a.clock.modelledMs) } };
  logInvocation(a.ctx, { operation: 'ConverseStream', modelId: a.params.modelId, requestId: a.requestId, inputBody: body, outputBody: assembled, inputTokens: reply.inputTokens, outputTokens: reply.outputTokens });
}

/** Ends a stream with the drawn fault: an exception frame, or a dropped stream. */
function streamFault(a: RouteArgs, res: Http2ServerResponse): void {
  if (a.fault.kind === 'reset') return dropConnection(a.req);
  res.end(exceptionFrame(STREAM_EXCEPTION[a.fault.kind], faultError(a.fault.kind, 'runtime')!.message));
}

/** A tool call's input JSON in a few pieces, as Bedrock streams `toolUse.input` deltas. */
function jsonPieces(json: string, size = 24): string[] {
  const out: string[] = [];
  for (let i = 0; i < json.length; i += size) out.push(json.slice(i, i + size));
  return out;
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

function runGenerateCount(_a: RouteArgs, resolved: ResolvedModel, body: Record<string, unknown>): number {
  // The count that would be charged: the same prompt count Converse reports as usage.inputTokens.
  const tokens = promptTokens(parseConverseBody({ ...body, inferenceConfig: undefined }, resolved.base, { countOnly: true }));
  checkContextWindow(tokens, resolved);
  return tokens;
}

async function countTokensOp(a: RouteArgs): Promise<void> {
  const resolved = resolveRuntimeModel(a.ctx, a.params.modelId);
  if (!resolved.base.countTokens) throw validation("The provided model doesn't support counting tokens.");
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
    const native = parseNativeBody(raw as Record<string, unknown>, requireTextModel(resolved).base);
    checkContextWindow(native.inputTokens, resolved);
    inputTokens = native.inputTokens;
  } else throw validation("1 validation error detected: Value at 'input' must contain exactly one of converse, invokeModel");
  sendJson(a.res, 200, { inputTokens }, { 'x-amzn-requestid': a.requestId });
}

export const runtimeRoutes: Route[] = [
  { method: 'POST', pattern: '/model/{modelId}/converse', dataPlane: true, service: 'runtime', handle: converse },
  { method: 'POST', pattern: '/model/{modelId}/converse-stream', dataPlane: true, selfFaulting: true, service: 'runtime', handle: converseStream },
  ...invokeRoutes,
  { method: 'POST', pattern: '/model/{modelId}/count-tokens', dataPlane: true, service: 'runtime', handle: countTokensOp },
];
