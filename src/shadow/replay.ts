/**
 * Replays logged requests through the candidate with the same runner as `ftrag run` (journal, resume, retries,
 * cache), then compares each answer with production's: agreement metrics with production's answer as the one
 * "reference", refusal and non-answer flags, and (when configured) the pairwise judge.
 */
import { join } from 'node:path';
import type { EvalItem } from '../datasets/types.js';
import type { ProgressReporter } from '../runner/progress.js';
import { runEval, type RunOutcome } from '../runner/index.js';
import type { JournalRecord } from '../runner/journal.js';
import { createScorers, scoreOne } from '../scoring/index.js';
import type { AwsClients } from '../targets/clients.js';
import type { DescribedTarget } from '../targets/index.js';
import type { TargetRequest } from '../targets/types.js';
import type { ExperimentConfig } from '../config/schema.js';
import { createPairwiseJudge } from './judge.js';
import { SHADOW_METADATA_KEY, type ShadowRecord } from './records.js';
import { isNonAnswer, isRefusal } from './signals.js';
import type { ComparedPair } from './summarize.js';

export function itemOf(r: ShadowRecord): EvalItem {
  const last = r.request.messages[r.request.messages.length - 1];
  return { id: r.requestId, prompt: last.text, references: [r.production.output], ...(r.request.system ? { system: r.request.system } : {}) };
}

/** The logged request as the candidate receives it: same turns, system prompt and inference settings. */
export function requestOf(r: ShadowRecord, config: ExperimentConfig): TargetRequest {
  const q = r.request;
  return {
    itemId: r.requestId,
    prompt: q.messages[q.messages.length - 1].text,
    ...(q.system !== undefined ? { system: q.system } : config.inference.system ? { system: config.inference.system } : {}),
    maxTokens: q.maxTokens ?? config.inference.maxTokens,
    temperature: q.temperature ?? config.inference.temperature,
    ...(q.topP !== undefined ? { topP: q.topP } : {}),
    ...(q.stopSequences ? { stopSequences: q.stopSequences } : {}),
    ...(q.messages.length > 1 ? { history: q.messages.slice(0, -1) } : {}),
    requestMetadata: { [SHADOW_METADATA_KEY]: 'replay' },
  };
}

export interface ReplayInput {
  records: readonly ShadowRecord[];
  target: DescribedTarget;
  config: ExperimentConfig;
  clients: AwsClients;
  outDir: string;
  resume: boolean;
  cacheDir: string;
  progressReporter?: ProgressReporter;
  concurrency?: number;
}

export interface Replayed {
  outcome: RunOutcome;
  /** By request id, in the records' order. */
  pairs: Map<string, ComparedPair & { record?: JournalRecord }>;
  metrics: string[];
  judgeModelId?: string;
}

export const AGREEMENT_METRICS = ['exact', 'f1', 'rougeL'] as const;

export async function replayAndCompare(input: ReplayInput): Promise<Replayed> {
  const { config, clients, records } = input;
  const byId = new Map(records.map((r) => [r.requestId, r]));
  const outcome = await runEval({
    items: records.map(itemOf),
    targets: [input.target],
    journalPath: join(input.outDir, 'journal.jsonl'),
    resume: input.resume,
    concurrency: input.concurrency ?? config.runner.concurrency,
    timeoutMs: config.runner.timeoutMs,
    maxRetries: config.runner.maxRetries,
    cache: config.runner.cache ? { dir: input.cacheDir, endpointKey: clients.endpointKey } : null,
    seed: config.seed,
    request: (item) => requestOf(byId.get(item.id)!, config),
    ...(input.progressReporter ? { progressReporter: input.progressReporter } : { progress: 'none' as const }),
  });

  const metrics: string[] = [...AGREEMENT_METRICS, ...(config.semantic ? ['semantic'] : [])];
  const scoreCache = config.runner.cache ? join(input.cacheDir, 'scores') : undefined;
  const scorers = createScorers(metrics, { runtime: clients.runtime, embeddingModelId: config.semantic?.modelId, cacheDir: scoreCache });
  const judge = config.judge ? createPairwiseJudge({ runtime: clients.runtime, modelId: config.judge.modelId, cacheDir: scoreCache }) : undefined;

  const pairs: Replayed['pairs'] = new Map();
  const queue = [...records];
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) pairs.set(r.requestId, await comparePair(r, outcome.records?.get(r.requestId)?.get(input.target.id)));
  };
  const comparePair = async (r: ShadowRecord, rec: JournalRecord | undefined): Promise<ComparedPair & { record?: JournalRecord }> => {
    const p = r.production;
    const pair: ComparedPair & { record?: JournalRecord } = {
      scores: {},
      productionOutput: p.output,
      production: { refusal: isRefusal(p.output, p.stopReason), nonAnswer: isNonAnswer(p.output, p.stopReason), inputTokens: p.inputTokens, outputTokens: p.outputTokens, latencyMs: p.latencyMs },
      ...(rec ? { record: rec } : {}),
    };
    if (!rec?.ok || !rec.response) return pair;
    const c = rec.response;
    pair.candidateOutput = c.output;
    pair.candidate = {
      refusal: isRefusal(c.output, c.stopReason),
      nonAnswer: isNonAnswer(c.output, c.stopReason),
      inputTokens: c.usage?.inputTokens,
      outputTokens: c.usage?.outputTokens,
      // Production's latency is the service's own (the log's metrics.latencyMs): compare like with like.
      latencyMs: c.serviceLatencyMs,
    };
    pair.scores = (await scoreOne(scorers, { item: itemOf(r), output: c.output })).scores;
    if (judge) pair.judge = await judge.judge(renderRequest(r), p.output, c.output);
    return pair;
  };
  // Model-backed scoring (semantic, judge) is network-bound; lexical scoring is not worth the parallelism.
  await Promise.all(Array.from({ length: judge || config.semantic ? 8 : 1 }, worker));
  const ordered: Replayed['pairs'] = new Map(records.map((r) => [r.requestId, pairs.get(r.requestId)!]));
  return { outcome, pairs: ordered, metrics, ...(judge ? { judgeModelId: judge.modelId } : {}) };
}

/** What the judge reads as the request: the system prompt and every turn. */
function renderRequest(r: ShadowRecord): string {
  const turns = r.request.messages.map((m) => `${m.role}: ${m.text}`);
  return [...(r.request.system ? [`system: ${r.request.system}`] : []), ...turns].join('\n');
}
