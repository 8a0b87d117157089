/**
 * SageMaker runtime for JumpStart endpoints: InvokeEndpoint (`POST /endpoints/{name}/invocations`) and
 * InvokeEndpointWithResponseStream (`.../invocations-response-stream`, an event stream of PayloadPart events whose
 * payload is raw bytes). The container behind every endpoint is the emulator's TGI: like TGI's /invocations route
 * (router/src/sagemaker.rs) it accepts the `inputs`/`parameters` request and the Messages API request, and answers in
 * the matching shape (see src/targets/sagemaker-formats.ts for both). A fine-tuned endpoint answers from the weights
 * its training job learned; an endpoint of a model without trained weights answers as the base reference model.
 * Service time follows the latency profile of the JumpStart model's Bedrock counterpart and is reported in the
 * emulator's service-latency header (SageMaker itself reports none in the response).
 */
import type { ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { lookupCatalogId } from './catalog.js';
import { ACCOUNT_ID, loadWeights, type EmulatorContext, type ResolvedModel } from './context.js';
import { deltaPieces } from './eventstream.js';
import { ApiError, readBody } from './http-util.js';
import { generationMs, reportedLatencyMs, requestKeyOf, serviceTime, SERVICE_LATENCY_HEADER } from './latency.js';
import { countTokens, generate } from './model-port.js';
import { hashUniform } from './rng.js';
import type { Route, RouteArgs } from './routing.js';
import { parseS3Uri } from './s3-store.js';
import { settledEndpoint, type SmEndpointConfigRecord, type SmModelRecord } from './sagemaker-control.js';
import { jumpStartFactsOfTags, MODEL_POINTER_FILE } from './sagemaker-training.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const validationError = (message: string): ApiError => new ApiError(400, 'ValidationError', message);
const modelError = (message: string): ApiError => new ApiError(424, 'ModelError', message);

/** What an endpoint serves: the reference model with its JumpStart model's behaviour, and trained weights if any. */
function resolveEndpoint(ctx: EmulatorContext, endpointName: string): ResolvedModel {
  const ep = settledEndpoint(ctx, endpointName);
  if (!ep) throw validationError(`Endpoint ${endpointName} of account ${ACCOUNT_ID} not found.`);
  if (ep.EndpointStatus !== 'InService') throw validationError(`Endpoint ${endpointName} is not in service (status ${ep.EndpointStatus}).`);
  const config = ctx.store.get<SmEndpointConfigRecord>('smEndpointConfigs', ep.EndpointConfigName);
  const model = config && ctx.store.get<SmModelRecord>('smModels', config.ProductionVariants[0].ModelName);
  if (!model) throw modelError(`The model behind endpoint ${endpointName} no longer exists.`);
  const facts = jumpStartFactsOfTags(model.Tags);
  const base = facts && lookupCatalogId(facts.emulatorBaseModelId, false);
  if (!base) throw modelError('The emulator serves JumpStart models it knows only (tag the model with sagemaker-sdk:jumpstart-model-id).');
  const data = model.PrimaryContainer.ModelDataSource?.S3DataSource?.S3Uri ?? model.PrimaryContainer.ModelDataUrl;
  if (!data) return { base, servedId: endpointName };
  const { bucket, key } = parseS3Uri(data);
  const pointer = ctx.s3.list(bucket, key).find((o) => o.key.endsWith(MODEL_POINTER_FILE));
  if (!pointer) return { base, servedId: endpointName };
  const { modelId } = JSON.parse(ctx.s3.get(bucket, pointer.key).data.toString('utf8')) as { modelId: string };
  return { base, customModel: loadWeights(ctx, modelId), servedId: endpointName };
}

interface ParsedRequest {
  style: 'messages' | 'tgi';
  system?: string;
  prompt: string;
  maxTokens: number;
  stream: boolean;
  includeUsage: boolean;
  prefillDetails: boolean;
}

function parseRequest(raw: Buffer, maxOutput: number): ParsedRequest {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw modelError('Received client error (422) from primary: Failed to deserialize the JSON body into the target type.');
  }
  if (Array.isArray(body.messages)) {
    const turns = body.messages as { role?: unknown; content?: unknown }[];
    const text = (t: { content?: unknown }) => (typeof t.content === 'string' ? t.content : '');
    const users = turns.filter((t) => t.role === 'user');
    if (users.length === 0) throw modelError('Received client error (422) from primary: messages must include a user turn.');
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : maxOutput;
    const options = body.stream_options as { include_usage?: unknown } | undefined;
    return {
      style: 'messages',
      system: turns.filter((t) => t.role === 'system').map(text).join('\n') || undefined,
      prompt: users.map(text).join('\n'),
      maxTokens,
      stream: body.stream === true,
      includeUsage: options?.include_usage === true,
      prefillDetails: false,
    };
  }
  if (typeof body.inputs === 'string') {
    const p = (body.parameters ?? {}) as Record<string, unknown>;
    if (typeof p.temperature === 'number' && p.temperature <= 0) throw modelError('Received client error (422) from primary: Input validation error: `temperature` must be strictly positive');
    return {
      style: 'tgi',
      prompt: body.inputs,
      maxTokens: typeof p.max_new_tokens === 'number' ? p.max_new_tokens : 100,
      stream: body.stream === true,
      includeUsage: false,
      prefillDetails: p.decoder_input_details === true && p.details === true,
    };
  }
  throw modelError('Received client error (422) from primary: Failed to deserialize the JSON body into the target type: expected `inputs` or `messages`.');
}

const TGI_FINISH = { end_turn: 'eos_token', max_tokens: 'length', stop_sequence: 'stop_sequence' } as const;
const OPENAI_FINISH = { end_turn: 'stop', max_tokens: 'length', stop_sequence: 'stop' } as const;

async function answer(a: RouteArgs, streaming: boolean): Promise<void> {
  const endpointName = a.params.EndpointName;
  const raw = await readBody(a.req);
  const resolved = resolveEndpoint(a.ctx, endpointName);
  const r = parseRequest(raw, resolved.base.maxOutputTokens);
  if (r.stream !== streaming) {
    throw validationError(streaming ? 'InvokeEndpointWithResponseStream needs a request the container streams ("stream": true).' : 'A streaming request ("stream": true) needs InvokeEndpointWithResponseStream.');
  }
  const inputTokens = countTokens(r.system ? `${r.system}\n${r.prompt}` : r.prompt);
  if (inputTokens > resolved.base.contextWindow) throw modelError('Received client error (422) from primary: Input validation error: `inputs` tokens + `max_new_tokens` must be <= the model\'s limit.');
  const result = generate({ system: r.system, messages: [{ role: 'user', text: r.prompt }], maxTokens: r.maxTokens, customModel: resolved.customModel, seed: a.ctx.seed });
  const t = serviceTime(a.ctx.latency, resolved.base.modelId, a.ctx.seed, requestKeyOf('sagemaker', endpointName, raw.toString('utf8')));
  const modelledMs = generationMs(t, result.outputTokens);
  // The whole generation is known before the first byte, so the header can carry the full modelled service time
  // (the clock's time so far, injected slowness included, plus what this answer takes).
  const headers = { 'x-amzn-requestid': a.requestId, 'x-amzn-invoked-production-variant': 'AllTraffic', [SERVICE_LATENCY_HEADER]: String(reportedLatencyMs(a.clock.modelledMs + modelledMs)) };
  const res = a.res as ServerResponse;
  if (!streaming) {
    await a.clock.advance(modelledMs);
    const body =
      r.style === 'messages'
        ? chatCompletion(a, result.text, OPENAI_FINISH[result.stopReason], inputTokens, result.outputTokens)
        : [
            {
              generated_text: result.text,
              details: {
                finish_reason: TGI_FINISH[result.stopReason],
                generated_tokens: result.outputTokens,
                seed: null,
                ...(r.prefillDetails ? { prefill: Array.from({ length: inputTokens }, (_, i) => ({ id: i, text: '', logprob: null })) } : {}),
                tokens: [],
              },
            },
          ];
    const text = JSON.stringify(body);
    res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
    return;
  }
  res.writeHead(200, { ...headers, 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-sagemaker-content-type': 'text/event-stream' });
  await a.clock.advance(t.ttftMs);
  const pieces = deltaPieces(result.text, 1);
  let part = 0;
  const sendEvent = (event: unknown): void => {
    // The SSE bytes of one event go out in two PayloadParts split at a seeded byte, as a real stream may split them.
    const bytes = Buffer.from(`data:${JSON.stringify(event)}\n\n`, 'utf8');
    const cut = 1 + Math.floor(hashUniform(a.ctx.seed, 'sm-split', a.seq, part++) * (bytes.length - 1));
    for (const chunk of [bytes.subarray(0, cut), bytes.subarray(cut)]) {
      res.write(codec.encode({ headers: { ':message-type': { type: 'string', value: 'event' }, ':event-type': { type: 'string', value: 'PayloadPart' }, ':content-type': { type: 'string', value: 'application/octet-stream' } }, body: new Uint8Array(chunk) }));
    }
  };
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) await a.clock.advance(countTokens(pieces[i]) * t.perTokenMs);
    const last = i === pieces.length - 1;
    if (r.style === 'messages') sendEvent(chatChunk(a, { role: 'assistant', content: pieces[i] }, null));
    else {
      sendEvent({
        index: i,
        token: { id: i, text: pieces[i], logprob: 0, special: false },
        generated_text: last ? result.text : null,
        details: last ? { finish_reason: TGI_FINISH[result.stopReason], generated_tokens: result.outputTokens, seed: null } : null,
      });
    }
  }
  if (r.style === 'messages') {
    sendEvent(chatChunk(a, {}, OPENAI_FINISH[result.stopReason]));
    if (r.includeUsage) sendEvent({ ...chatChunk(a, {}, null), choices: [], usage: usage(inputTokens, result.outputTokens) });
    res.write(codec.encode({ headers: { ':message-type': { type: 'string', value: 'event' }, ':event-type': { type: 'string', value: 'PayloadPart' }, ':content-type': { type: 'string', value: 'application/octet-stream' } }, body: fromUtf8('data: [DONE]\n\n') }));
  } else if (pieces.length === 0) {
    sendEvent({ index: 0, token: { id: 0, text: '', logprob: 0, special: true }, generated_text: '', details: { finish_reason: TGI_FINISH[result.stopReason], generated_tokens: result.outputTokens, seed: null } });
  }
  res.end();
}

const usage = (prompt: number, completion: number) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });

function chatCompletion(a: RouteArgs, content: string, finish: string, prompt: number, completion: number): Record<string, unknown> {
  return {
    id: `chatcmpl-${a.requestId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: '/opt/ml/model',
    system_fingerprint: 'ftrag-emulator',
    choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: finish }],
    usage: usage(prompt, completion),
  };
}

function chatChunk(a: RouteArgs, delta: Record<string, unknown>, finish: string | null): Record<string, unknown> {
  return {
    id: `chatcmpl-${a.requestId}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: '/opt/ml/model',
    system_fingerprint: 'ftrag-emulator',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
}

export const sageMakerRuntimeRoutes: Route[] = [
  { method: 'POST', pattern: '/endpoints/{EndpointName}/invocations', dataPlane: true, service: 'runtime', handle: (a) => answer(a, false) },
  { method: 'POST', pattern: '/endpoints/{EndpointName}/invocations-response-stream', dataPlane: true, service: 'runtime', handle: (a) => answer(a, true) },
];
