/**
 * A Bedrock Knowledge Base (RAG) system, in one of two modes:
 * - `retrieve-then-converse` (default): Retrieve, then ConverseStream with our own prompt. Token usage is measured
 *   by the service, which makes RAG's longer prompts visible in cost.
 * - `retrieve-and-generate`: one RetrieveAndGenerate call, exactly what Bedrock's managed RAG does. The service
 *   reports no usage, so tokens are estimated with our tokenizer and marked `estimated`.
 */
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import {
  RetrieveAndGenerateCommand,
  RetrieveCommand,
  type BedrockAgentRuntimeClient,
  type KnowledgeBaseRetrievalConfiguration,
  type RetrievalResultLocation,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { converseForRequest, responseFrom, type InferenceSettings } from './converse.js';
import { withConnectionTracking, withTransport, type CallTransport, type ConnectionTally } from './connections.js';
import { toTargetError } from './errors.js';
import { InputError } from '../util/errors.js';
import type { DescribedTarget } from './bedrock-model.js';
import type { Citation, InvokeOptions, RetrievedContext, SystemKind, TargetRequest, TargetResponse } from './types.js';

export type KbMode = 'retrieve-then-converse' | 'retrieve-and-generate';

export interface BedrockKbTargetOptions {
  id: string;
  kind: SystemKind;
  knowledgeBaseId: string;
  /** Generator: base model id, inference profile or ARN. */
  modelId: string;
  mode: KbMode;
  numberOfResults: number;
  searchType?: 'HYBRID' | 'SEMANTIC';
  /** `$search_results$` and `$query$` are substituted. Defaults to DEFAULT_RAG_TEMPLATE in retrieve-then-converse. */
  promptTemplate?: string;
  runtime: BedrockRuntimeClient;
  agentRuntime: BedrockAgentRuntimeClient;
  inference: InferenceSettings;
  /** Region for building a foundation-model ARN from a plain id (retrieve-and-generate); else the client's. */
  region?: string;
  /** Account for building an inference-profile ARN from a `us.…` profile id (retrieve-and-generate). */
  accountId?: string;
}

/**
 * The default prompt for retrieve-then-converse: numbered passages, then the question. Numbering lets the model
 * cite `[n]` and lets us report which passages it used.
 */
export const DEFAULT_RAG_TEMPLATE =
  'Use the following passages to answer the question. If they do not contain the answer, say that you do not know.\n\n' +
  '$search_results$\n\nQuestion: $query$';

export function formatPassages(contexts: RetrievedContext[]): string {
  return contexts.map((c, i) => `[${i + 1}] ${c.text}`).join('\n\n');
}

export function renderRagPrompt(template: string, query: string, contexts: RetrievedContext[]): string {
  // Function replacers so `$` sequences in passages or questions are taken literally.
  return template.replaceAll('$search_results$', () => formatPassages(contexts)).replaceAll('$query$', () => query);
}

const GEO_PROFILE = /^(us|eu|apac|jp|au|ca|us-gov|global)\./;

/**
 * RetrieveAndGenerate wants an ARN: a plain base model id becomes its foundation-model ARN; a system inference
 * profile id (`us.amazon.nova-lite-v1:0`) becomes its inference-profile ARN, which names the account (a
 * `foundation-model/us.…` ARN is invalid). Without the account, the profile id is refused rather than guessed.
 */
export function toModelArn(modelId: string, region: string, accountId?: string): string {
  if (modelId.startsWith('arn:')) return modelId;
  if (GEO_PROFILE.test(modelId)) {
    if (!accountId) {
      throw new InputError(
        `RetrieveAndGenerate needs the inference-profile ARN of ${modelId}: set modelId to arn:aws:bedrock:${region}:<account-id>:inference-profile/${modelId}`,
        { field: 'modelId' },
      );
    }
    return `arn:aws:bedrock:${region}:${accountId}:inference-profile/${modelId}`;
  }
  return `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
}

/**
 * RetrieveAndGenerate has no system-prompt field; the system prompt goes at the top of the generation prompt
 * template instead of being dropped.
 */
export function ragGenerateTemplate(template: string | undefined, system: string | undefined): string | undefined {
  if (!system) return template;
  return `${system}\n\n${template ?? DEFAULT_RAG_TEMPLATE}`;
}

function locationUri(loc: RetrievalResultLocation | undefined): string | undefined {
  if (!loc) return undefined;
  return (
    loc.s3Location?.uri ??
    loc.webLocation?.url ??
    loc.confluenceLocation?.url ??
    loc.salesforceLocation?.url ??
    loc.sharePointLocation?.url ??
    loc.customDocumentLocation?.id ??
    loc.kendraDocumentLocation?.uri
  );
}

interface RawReference {
  content?: { text?: string };
  location?: RetrievalResultLocation;
  score?: number;
  metadata?: Record<string, unknown>;
}

function toContext(r: RawReference): RetrievedContext {
  const uri = locationUri(r.location);
  return {
    text: r.content?.text ?? '',
    ...(uri !== undefined ? { uri } : {}),
    ...(typeof r.score === 'number' ? { score: r.score } : {}),
    ...(r.metadata && Object.keys(r.metadata).length > 0 ? { metadata: r.metadata } : {}),
  };
}

/** Passages the answer cites as `[n]`; none when it cites none (being in the prompt is not being cited). */
export function citedPassages(output: string, contexts: RetrievedContext[]): RetrievedContext[] {
  const cited = new Set<number>();
  for (const m of output.matchAll(/\[(\d{1,3})\]/g)) {
    const n = Number(m[1]);
    if (n >= 1 && n <= contexts.length) cited.add(n - 1);
  }
  return [...cited].sort((a, b) => a - b).map((i) => contexts[i]);
}

export function createBedrockKbTarget(opts: BedrockKbTargetOptions): DescribedTarget {
  const { id, kind, modelId, knowledgeBaseId, mode, runtime, agentRuntime, inference } = opts;
  const retrievalConfiguration: KnowledgeBaseRetrievalConfiguration = {
    vectorSearchConfiguration: {
      numberOfResults: opts.numberOfResults,
      ...(opts.searchType ? { overrideSearchType: opts.searchType } : {}),
    },
  };
  const template = opts.promptTemplate ?? (mode === 'retrieve-then-converse' ? DEFAULT_RAG_TEMPLATE : undefined);
  let regionPromise: Promise<string> | undefined;
  const region = () => (regionPromise ??= opts.region ? Promise.resolve(opts.region) : agentRuntime.config.region());

  async function retrieveThenConverse(request: TargetRequest, signal: AbortSignal, startedAt: number, transport: CallTransport): Promise<TargetResponse> {
    const retrieved = await agentRuntime.send(
      new RetrieveCommand({ knowledgeBaseId, retrievalQuery: { text: request.prompt }, retrievalConfiguration }),
      { abortSignal: signal },
    );
    // Bedrock's Retrieve reports no service time, so its share is the call's client time less any connection set-up;
    // the ftrag emulator reports its modelled Retrieve time in a header, which is used instead (docs/runner.md).
    const retrieveMs = transport.emulatorServiceMs ?? performance.now() - startedAt - transport.connectMs;
    const contexts = (retrieved.retrievalResults ?? []).map(toContext);
    const r = await converseForRequest(runtime, modelId, renderRagPrompt(template!, request.prompt, contexts), request, inference, signal, startedAt);
    const cited = citedPassages(r.output, contexts);
    const citations: Citation[] = cited.length > 0 ? [{ text: r.output, references: cited }] : [];
    const response = responseFrom(r, startedAt);
    return {
      ...response,
      ...(r.serviceLatencyMs !== undefined ? { serviceLatencyMs: retrieveMs + r.serviceLatencyMs } : {}),
      contexts,
      citations,
    };
  }

  async function retrieveAndGenerate(request: TargetRequest, signal: AbortSignal, startedAt: number, transport: CallTransport): Promise<TargetResponse> {
    const modelArn = toModelArn(modelId, await region(), opts.accountId);
    const generationTemplate = ragGenerateTemplate(template, request.system);
    const response = await agentRuntime.send(
      new RetrieveAndGenerateCommand({
        input: { text: request.prompt },
        retrieveAndGenerateConfiguration: {
          type: 'KNOWLEDGE_BASE',
          knowledgeBaseConfiguration: {
            knowledgeBaseId,
            modelArn,
            retrievalConfiguration,
            generationConfiguration: {
              ...(generationTemplate ? { promptTemplate: { textPromptTemplate: generationTemplate } } : {}),
              inferenceConfig: {
                textInferenceConfig: {
                  maxTokens: request.maxTokens ?? inference.maxTokens,
                  temperature: request.temperature ?? inference.temperature,
                },
              },
            },
          },
        },
      }),
      { abortSignal: signal },
    );
    const latencyMs = performance.now() - startedAt;
    const output = response.output?.text ?? '';
    const contexts: RetrievedContext[] = [];
    const seen = new Map<string, RetrievedContext>();
    const citations: Citation[] = (response.citations ?? []).map((c) => {
      const references = (c.retrievedReferences ?? []).map((ref) => {
        const ctx = toContext(ref);
        const key = `${ctx.uri ?? ''}\u0000${ctx.text}`;
        const known = seen.get(key);
        if (known) return known;
        seen.set(key, ctx);
        contexts.push(ctx);
        return ctx;
      });
      const part = c.generatedResponsePart?.textResponsePart;
      const span = part?.span;
      return {
        text: part?.text ?? '',
        ...(span && typeof span.start === 'number' && typeof span.end === 'number' ? { span: { start: span.start, end: span.end } } : {}),
        references,
      };
    });
    // No usage from the service: estimate what the generator saw (question + retrieved passages; the KB's own
    // instructions are unknown and not counted) and what it wrote.
    const { countTokens } = await import('../util/tokenizer.js'); // loaded on first use only (~30 MB)
    const inputTokens = countTokens(request.prompt) + contexts.reduce((n, c) => n + countTokens(c.text), 0);
    return {
      output,
      latencyMs,
      // RetrieveAndGenerate has no latency field on AWS; only the emulator reports one (its modelled time).
      ...(transport.emulatorServiceMs !== undefined ? { serviceLatencyMs: transport.emulatorServiceMs } : {}),
      usage: { inputTokens, outputTokens: countTokens(output), estimated: true },
      contexts,
      citations,
    };
  }

  const connections: ConnectionTally = { opened: 0 };
  return {
    id,
    kind,
    modelId,
    connections,
    description: {
      config: {
        type: 'bedrock-kb',
        knowledgeBaseId,
        modelId,
        mode,
        numberOfResults: opts.numberOfResults,
        searchType: opts.searchType ?? null,
        promptTemplate: template ?? null,
        inference,
      },
      defaultMaxTokens: inference.maxTokens,
    },
    async invoke(request: TargetRequest, { signal }: InvokeOptions): Promise<TargetResponse> {
      try {
        return await withConnectionTracking(
          signal,
          async (transport, tracked) => {
            const startedAt = performance.now();
            const response =
              mode === 'retrieve-and-generate'
                ? await retrieveAndGenerate(request, tracked, startedAt, transport)
                : await retrieveThenConverse(request, tracked, startedAt, transport);
            return withTransport(response, transport);
          },
          connections,
        );
      } catch (err) {
        throw toTargetError(err, signal);
      }
    },
  };
}
