/**
 * bedrock-agent-runtime operations: Retrieve and RetrieveAndGenerate (type KNOWLEDGE_BASE).
 */
import { requireTextModel, resolveRuntimeModel } from './context.js';
import { optNumber, optObject, parseJsonObject, readBody, reqObject, reqString, sendJson, sleep, validation } from './http-util.js';
import { generationMs, reportedLatencyMs, requestKeyOf, SERVICE_LATENCY_HEADER, serviceTime } from './latency.js';
import { retrieveFromKb } from './knowledge-bases.js';
import type { RetrievedChunk } from './knowledge-bases.js';
import { generate } from './model-port.js';
import type { Route, RouteArgs } from './routing.js';
import { hashId } from './rng.js';

const hashUuid = (...parts: (string | number)[]): string => {
  const h = hashId(32, ...parts).replace(/[g-z]/g, (ch) => ((ch.charCodeAt(0) - 103) % 16).toString(16));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

function vectorSearchOf(retrievalConfiguration: Record<string, unknown> | undefined, field: string): { k: number; searchType?: 'HYBRID' | 'SEMANTIC' } {
  const vs = retrievalConfiguration ? optObject(retrievalConfiguration, 'vectorSearchConfiguration', `${field}.vectorSearchConfiguration`) : undefined;
  if (!vs) return { k: 5 };
  const k = optNumber(vs, 'numberOfResults', 1, 100, `${field}.vectorSearchConfiguration.numberOfResults`) ?? 5;
  if (!Number.isInteger(k)) throw validation(`1 validation error detected: Value at '${field}.vectorSearchConfiguration.numberOfResults' failed to satisfy constraint: Member must be an integer`);
  const st = vs.overrideSearchType;
  if (st !== undefined && st !== 'HYBRID' && st !== 'SEMANTIC') {
    throw validation(`1 validation error detected: Value '${String(st)}' at '${field}.vectorSearchConfiguration.overrideSearchType' failed to satisfy constraint: Member must satisfy enum value set: [HYBRID, SEMANTIC]`);
  }
  if (vs.filter !== undefined) throw validation('Metadata filters are not supported by the emulator.');
  return { k, searchType: st as 'HYBRID' | 'SEMANTIC' | undefined };
}

function reference(h: RetrievedChunk): Record<string, unknown> {
  return {
    content: { type: 'TEXT', text: h.chunk.text },
    location: { type: 'S3', s3Location: { uri: h.chunk.uri } },
    metadata: {
      ...(h.chunk.metadata ?? {}),
      'x-amz-bedrock-kb-source-uri': h.chunk.uri,
      'x-amz-bedrock-kb-chunk-id': h.chunk.chunkId,
      'x-amz-bedrock-kb-data-source-id': h.dataSourceId,
    },
  };
}

async function retrieve(a: RouteArgs): Promise<void> {
  const body = parseJsonObject(await readBody(a.req));
  const query = reqObject(body, 'retrievalQuery');
  const text = reqString(query, 'text', 'retrievalQuery.text');
  if (body.nextToken !== undefined) throw validation('The nextToken is invalid.');
  const { k, searchType } = vectorSearchOf(optObject(body, 'retrievalConfiguration'), 'retrievalConfiguration');
  const hits = retrieveFromKb(a.ctx, a.params.knowledgeBaseId, text, k, searchType);
  await sleep(a.ctx.latency.retrievalMs);
  sendJson(
    a.res,
    200,
    { retrievalResults: hits.map((h) => ({ ...reference(h), score: h.score, documentId: h.chunk.chunkId })) },
    // Bedrock's Retrieve has no latency field; the emulator adds its modelled time in a header of its own (latency.ts).
    { 'x-amzn-requestid': a.requestId, [SERVICE_LATENCY_HEADER]: String(reportedLatencyMs(a.fault.slowMs + a.ctx.latency.retrievalMs)) },
  );
}

async function retrieveAndGenerate(a: RouteArgs): Promise<void> {
  const body = parseJsonObject(await readBody(a.req));
  const input = reqObject(body, 'input');
  const question = reqString(input, 'text', 'input.text');
  const cfg = reqObject(body, 'retrieveAndGenerateConfiguration');
  if (cfg.type !== 'KNOWLEDGE_BASE') throw validation(`The emulator serves retrieveAndGenerateConfiguration.type KNOWLEDGE_BASE only (got ${JSON.stringify(cfg.type)}).`);
  const kbc = reqObject(cfg, 'knowledgeBaseConfiguration', 'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration');
  const kbId = reqString(kbc, 'knowledgeBaseId', 'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.knowledgeBaseId');
  const modelArn = reqString(kbc, 'modelArn', 'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.modelArn');
  const { k, searchType } = vectorSearchOf(optObject(kbc, 'retrievalConfiguration'), 'knowledgeBaseConfiguration.retrievalConfiguration');
  const sessionId = optString0(body.sessionId);
  if (sessionId !== undefined && !/^[0-9a-zA-Z._:-]+$/.test(sessionId)) throw validation('The sessionId is invalid.');

  const resolved = requireTextModel(resolveRuntimeModel(a.ctx, modelArn));
  const gen = optObject(kbc, 'generationConfiguration') ?? {};
  const textCfg = (optObject(gen, 'inferenceConfig') ?? {}).textInferenceConfig as Record<string, unknown> | undefined;
  const maxTokens = (textCfg && optNumber(textCfg, 'maxTokens', 1, resolved.base.maxOutputTokens, 'textInferenceConfig.maxTokens')) || 512;
  const template = (optObject(gen, 'promptTemplate') ?? {}).textPromptTemplate;
  const hits = retrieveFromKb(a.ctx, kbId, question, k, searchType);
  await sleep(a.ctx.latency.retrievalMs);

  const result = generate({
    system: typeof template === 'string' ? template.replace('$search_results$', '').replace('$query$', question) : undefined,
    messages: [{ role: 'user', text: question }],
    maxTokens,
    stopSequences: Array.isArray(textCfg?.stopSequences) ? (textCfg!.stopSequences as string[]) : undefined,
    passages: hits.map((h) => ({ text: h.chunk.text, uri: h.chunk.uri })),
    customModel: resolved.customModel,
    seed: a.ctx.seed,
  });
  const t = serviceTime(a.ctx.latency, resolved.base.modelId, a.ctx.seed, requestKeyOf('retrieve-and-generate', kbId, body));
  const modelledMs = generationMs(t, result.outputTokens);
  await sleep(modelledMs);

  const citations = (result.citations ?? []).map((c) => ({
    generatedResponsePart: { textResponsePart: { text: result.text.slice(c.start, c.end), span: { start: c.start, end: c.end } } },
    retrievedReferences: c.passageIndexes.filter((i) => i >= 0 && i < hits.length).map((i) => reference(hits[i])),
  }));
  sendJson(
    a.res,
    200,
    { sessionId: sessionId ?? hashUuid(a.ctx.seed, 'session', a.seq), output: { text: result.text }, citations, guardrailAction: 'NONE' },
    {
      'x-amzn-requestid': a.requestId,
      [SERVICE_LATENCY_HEADER]: String(reportedLatencyMs(a.fault.slowMs + a.ctx.latency.retrievalMs + modelledMs)),
    },
  );
}

function optString0(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw validation('sessionId must be a string.');
  return v;
}

export const agentRuntimeRoutes: Route[] = [
  { method: 'POST', pattern: '/knowledgebases/{knowledgeBaseId}/retrieve', dataPlane: true, service: 'agent-runtime', handle: retrieve },
  { method: 'POST', pattern: '/retrieveAndGenerate', dataPlane: true, service: 'agent-runtime', handle: retrieveAndGenerate },
];
