/**
 * bedrock-agent-runtime operations: Retrieve, RetrieveAndGenerate and RetrieveAndGenerateStream (type KNOWLEDGE_BASE),
 * with metadata filters, guardrails and sessions.
 */
import type { Http2ServerResponse } from 'node:http2';
import { requireTextModel, resolveRuntimeModel } from './context.js';
import { deltaPieces, eventFrame, padding } from './eventstream.js';
import { intervenes, parseGuardrailConfig, resolveGuardrail, type GuardrailRecord } from './guardrails.js';
import { optNumber, optObject, parseJsonObject, readBody, reqObject, reqString, sendJson, validation } from './http-util.js';
import { generationMs, reportedLatencyMs, requestKeyOf, SERVICE_LATENCY_HEADER, serviceTime } from './latency.js';
import { retrieveFromKb } from './knowledge-bases.js';
import type { RetrievedChunk, RetrieveOptions } from './knowledge-bases.js';
import { parseFilter } from './metadata-filter.js';
import { countTokens, generate } from './model-port.js';
import { INPUT_TOO_LONG } from './converse-reply.js';
import type { GenerateResult } from './model/api.js';
import { promptForGeneration } from './rag-prompt.js';
import type { Route, RouteArgs } from './routing.js';
import { hashId, hashUniform } from './rng.js';

const hashUuid = (...parts: (string | number)[]): string => {
  const h = hashId(32, ...parts).replace(/[g-z]/g, (ch) => ((ch.charCodeAt(0) - 103) % 16).toString(16));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

interface VectorSearch extends RetrieveOptions {
  k: number;
}

function vectorSearchOf(retrievalConfiguration: Record<string, unknown> | undefined, field: string): VectorSearch {
  const vs = retrievalConfiguration ? optObject(retrievalConfiguration, 'vectorSearchConfiguration', `${field}.vectorSearchConfiguration`) : undefined;
  if (!vs) return { k: 5 };
  const at = `${field}.vectorSearchConfiguration`;
  const k = optNumber(vs, 'numberOfResults', 1, 100, `${at}.numberOfResults`) ?? 5;
  if (!Number.isInteger(k)) throw validation(`1 validation error detected: Value at '${at}.numberOfResults' failed to satisfy constraint: Member must be an integer`);
  const st = vs.overrideSearchType;
  if (st !== undefined && st !== 'HYBRID' && st !== 'SEMANTIC') {
    throw validation(`1 validation error detected: Value '${String(st)}' at '${at}.overrideSearchType' failed to satisfy constraint: Member must satisfy enum value set: [HYBRID, SEMANTIC]`);
  }
  if (vs.rerankingConfiguration !== undefined) {
    throw validation(
      `The emulator does not serve reranking: '${at}.rerankingConfiguration' needs a reranking model (amazon.rerank-v1:0, cohere.rerank-v3-5:0) that its catalog does not have. Remove rerankingConfiguration; results are ranked by the Knowledge Base's own scores.`,
    );
  }
  if (vs.implicitFilterConfiguration !== undefined) {
    throw validation(`The emulator does not serve implicit filters: '${at}.implicitFilterConfiguration' needs a model that writes filters. Pass an explicit '${at}.filter' instead.`);
  }
  const filter = vs.filter !== undefined ? parseFilter(vs.filter, `${at}.filter`) : undefined;
  return { k, searchType: st as 'HYBRID' | 'SEMANTIC' | undefined, filter };
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
  const guardrail = resolveGuardrail(a.ctx, parseGuardrailConfig(body.guardrailConfiguration, 'guardrailConfiguration'));
  const search = vectorSearchOf(optObject(body, 'retrievalConfiguration'), 'retrievalConfiguration');
  if (guardrail && intervenes(guardrail, text)) {
    sendJson(a.res, 200, { retrievalResults: [], guardrailAction: 'INTERVENED' }, { 'x-amzn-requestid': a.requestId });
    return;
  }
  const hits = retrieveFromKb(a.ctx, a.params.knowledgeBaseId, text, search.k, search);
  await a.clock.advance(a.ctx.latency.retrievalMs);
  const results = hits.filter((h) => !intervenes(guardrail, h.chunk.text));
  sendJson(
    a.res,
    200,
    {
      retrievalResults: results.map((h) => ({ ...reference(h), score: h.score, documentId: h.chunk.chunkId })),
      ...(guardrail ? { guardrailAction: results.length < hits.length ? 'INTERVENED' : 'NONE' } : {}),
    },
    // Bedrock's Retrieve has no latency field; the emulator adds its modelled time in a header of its own (latency.ts).
    { 'x-amzn-requestid': a.requestId, [SERVICE_LATENCY_HEADER]: String(reportedLatencyMs(a.clock.modelledMs)) },
  );
}

interface RagSession {
  sessionId: string;
  turns: { question: string; answer: string }[];
  createdAt: string;
}

interface RagAnswer {
  sessionId: string;
  text: string;
  hits: RetrievedChunk[];
  citations: GenerateResult['citations'];
  guardrailAction: 'INTERVENED' | 'NONE';
  outputTokens: number;
  modelId: string;
  /** The request's identity for its seeded latency draw. */
  requestKey: string;
}

/** Validates the request, retrieves, generates; shared by RetrieveAndGenerate and its stream. */
async function answer(a: RouteArgs): Promise<RagAnswer> {
  const body = parseJsonObject(await readBody(a.req));
  const input = reqObject(body, 'input');
  const question = reqString(input, 'text', 'input.text');
  const cfg = reqObject(body, 'retrieveAndGenerateConfiguration');
  if (cfg.type !== 'KNOWLEDGE_BASE') throw validation(`The emulator serves retrieveAndGenerateConfiguration.type KNOWLEDGE_BASE only (got ${JSON.stringify(cfg.type)}).`);
  const base = 'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration';
  const kbc = reqObject(cfg, 'knowledgeBaseConfiguration', base);
  const kbId = reqString(kbc, 'knowledgeBaseId', `${base}.knowledgeBaseId`);
  const modelArn = reqString(kbc, 'modelArn', `${base}.modelArn`);
  const search = vectorSearchOf(optObject(kbc, 'retrievalConfiguration'), `${base}.retrievalConfiguration`);
  const session = sessionFor(a, body.sessionId);

  const resolved = requireTextModel(resolveRuntimeModel(a.ctx, modelArn));
  const gen = optObject(kbc, 'generationConfiguration', `${base}.generationConfiguration`) ?? {};
  const guardrail = resolveGuardrail(a.ctx, parseGuardrailConfig(gen.guardrailConfiguration, `${base}.generationConfiguration.guardrailConfiguration`));
  const textCfg = (optObject(gen, 'inferenceConfig') ?? {}).textInferenceConfig as Record<string, unknown> | undefined;
  const maxTokens = (textCfg && optNumber(textCfg, 'maxTokens', 1, resolved.base.maxOutputTokens, 'textInferenceConfig.maxTokens')) || 512;
  const template = (optObject(gen, 'promptTemplate') ?? {}).textPromptTemplate;
  if (template !== undefined && (typeof template !== 'string' || template.trim() === '')) {
    throw validation(`1 validation error detected: Value at '${base}.generationConfiguration.promptTemplate.textPromptTemplate' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  }
  const done = (text: string, hits: RetrievedChunk[], citations: GenerateResult['citations'], intervened: boolean, outputTokens: number): RagAnswer => {
    session.turns.push({ question, answer: text });
    a.ctx.store.put('ragSessions', session.sessionId, session);
    return { sessionId: session.sessionId, text, hits, citations, guardrailAction: intervened ? 'INTERVENED' : 'NONE', outputTokens, modelId: resolved.base.modelId, requestKey: requestKeyOf('retrieve-and-generate', kbId, body) };
  };
  if (intervenes(guardrail, question)) return done(guardrail!.blockedInputMessaging, [], [], true, 0);

  const hits = retrieveFromKb(a.ctx, kbId, question, search.k, { ...search, field: `${base}.knowledgeBaseId` });
  // Retrieval's modelled time: the caller waits for it together with the generation's (service-clock.ts).
  a.clock.add(a.ctx.latency.retrievalMs);
  const prompt = promptForGeneration(typeof template === 'string' ? template : undefined, question, hits.map((h) => h.chunk.text));
  // The filled template is what the generation model would read; it must fit its context window.
  if (countTokens(prompt.filled) > resolved.base.contextWindow) throw validation(INPUT_TOO_LONG);
  const result = generate({
    system: prompt.system,
    // Earlier turns of the session are not replayed: the reader would take a past question for an answer. Bedrock uses
    // them to rewrite a follow-up query, which the emulator does not model.
    messages: [{ role: 'user', text: prompt.question }],
    maxTokens,
    stopSequences: Array.isArray(textCfg?.stopSequences) ? (textCfg!.stopSequences as string[]) : undefined,
    passages: hits.map((h) => ({ text: h.chunk.text, uri: h.chunk.uri })),
    customModel: resolved.customModel,
    seed: a.ctx.seed,
  });
  if (intervenes(guardrail, result.text)) return done((guardrail as GuardrailRecord).blockedOutputsMessaging, hits, [], true, result.outputTokens);
  return done(result.text, hits, result.citations, false, result.outputTokens);
}

function sessionFor(a: RouteArgs, raw: unknown): RagSession {
  if (raw === undefined || raw === null) {
    const n = a.ctx.store.next('ragSession');
    return { sessionId: hashUuid(a.ctx.seed, 'session', n), turns: [], createdAt: new Date().toISOString() };
  }
  if (typeof raw !== 'string' || !/^[0-9a-zA-Z._:-]{2,100}$/.test(raw)) {
    throw validation(`1 validation error detected: Value '${String(raw)}' at 'sessionId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z._:-]+`);
  }
  const s = a.ctx.store.get<RagSession>('ragSessions', raw);
  // Bedrock generates session ids; one it did not hand out (or that expired) is refused.
  if (!s) throw validation(`Session with Id ${raw} is not valid. Please check and try again.`);
  return s;
}

function citationsOf(r: RagAnswer): Record<string, unknown>[] {
  return (r.citations ?? []).map((c) => ({
    generatedResponsePart: { textResponsePart: { text: r.text.slice(c.start, c.end), span: { start: c.start, end: c.end } } },
    retrievedReferences: c.passageIndexes.filter((i) => i >= 0 && i < r.hits.length).map((i) => reference(r.hits[i])),
  }));
}

async function retrieveAndGenerate(a: RouteArgs): Promise<void> {
  const r = await answer(a);
  const t = serviceTime(a.ctx.latency, r.modelId, a.ctx.seed, r.requestKey);
  await a.clock.advance(generationMs(t, r.outputTokens));
  sendJson(a.res, 200, { sessionId: r.sessionId, output: { text: r.text }, citations: citationsOf(r), guardrailAction: r.guardrailAction }, {
    'x-amzn-requestid': a.requestId,
    [SERVICE_LATENCY_HEADER]: String(reportedLatencyMs(a.clock.modelledMs)),
  });
}

/** RetrieveAndGenerateStream: `output` text events, then one `citation` event per citation, then `guardrail` if it acted. */
async function retrieveAndGenerateStream(a: RouteArgs): Promise<void> {
  const r = await answer(a);
  const t = serviceTime(a.ctx.latency, r.modelId, a.ctx.seed, r.requestKey);
  const res = a.res as Http2ServerResponse;
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': a.requestId, 'x-amzn-bedrock-knowledge-base-session-id': r.sessionId });
  let frameNo = 0;
  const send = (type: string, payload: Record<string, unknown>): void => {
    res.write(eventFrame(type, { ...payload, p: padding(hashUniform(a.ctx.seed, 'pad', a.seq, frameNo++)) }));
  };
  await a.clock.advance(t.ttftMs);
  const pieces = deltaPieces(r.text);
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) await a.clock.advance(t.perTokenMs);
    send('output', { text: pieces[i] });
  }
  for (const c of citationsOf(r)) send('citation', { ...c, citation: c });
  if (r.guardrailAction === 'INTERVENED') send('guardrail', { action: 'INTERVENED' });
  res.end();
}

export const agentRuntimeRoutes: Route[] = [
  { method: 'POST', pattern: '/knowledgebases/{knowledgeBaseId}/retrieve', dataPlane: true, service: 'agent-runtime', handle: retrieve },
  { method: 'POST', pattern: '/retrieveAndGenerate', dataPlane: true, service: 'agent-runtime', handle: retrieveAndGenerate },
  { method: 'POST', pattern: '/retrieveAndGenerateStream', dataPlane: true, service: 'agent-runtime', handle: retrieveAndGenerateStream },
];
