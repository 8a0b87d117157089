/** Metric registry: names, construction from a metric list, and scoring one answer with all of them. */
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { InputError } from '../util/errors.js';
import type { ScoreInput, Scorer } from './types.js';
import { containsScorer, exactScorer, f1Scorer, regexScorer, rougeScorer } from './lexical.js';
import { contextPrecisionScorer, contextRecallScorer } from './context.js';
import { semanticScorer, type EmbeddingDimensions } from './semantic.js';
import { judgeScorer } from './judge.js';

export type { Score, ScoreInput, Scorer } from './types.js';
export { normalizeAnswer, squadExact, squadF1, containsAnswer } from './squad.js';
export { rougeScore, type RougeScores, type RougeTriple } from './rouge.js';
export { porterStem } from './porter.js';
export { parseJudgeReply, UNPARSEABLE_REASON } from './judge.js';
export { cosine, DEFAULT_EMBEDDING_MODEL } from './semantic.js';
export { readPredictions } from './predictions.js';

export const METRIC_NAMES = [
  'exact',
  'f1',
  'contains',
  'regex',
  'rouge1',
  'rouge2',
  'rougeL',
  'semantic',
  'Builtin.Correctness',
  'Builtin.Faithfulness',
  'context_recall',
  'context_precision',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

const BINARY = new Set<string>(['exact', 'contains', 'regex']);
const MODEL_BACKED = new Set<string>(['semantic', 'Builtin.Correctness', 'Builtin.Faithfulness']);

/** Binary (0/1) metrics get Wilson intervals and McNemar tests; the rest get bootstrap and Wilcoxon. */
export function isBinaryMetric(name: string): boolean {
  return BINARY.has(name);
}

export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

export interface ScorerDeps {
  runtime?: BedrockRuntimeClient;
  embeddingModelId?: string;
  embeddingDimensions?: EmbeddingDimensions;
  judgeModelId?: string;
  cacheDir?: string;
}

export function createScorers(names: string[], deps: ScorerDeps = {}): Scorer[] {
  const seen = new Set<string>();
  const scorers: Scorer[] = [];
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (!isMetricName(name)) {
      throw new InputError(`unknown metric "${name}"; known metrics: ${METRIC_NAMES.join(', ')}`, { field: 'metrics' });
    }
    if (MODEL_BACKED.has(name) && !deps.runtime) {
      throw new InputError(`metric "${name}" calls a model and needs a Bedrock runtime client`, { field: 'metrics' });
    }
    scorers.push(build(name, deps));
  }
  return scorers;
}

function build(name: MetricName, deps: ScorerDeps): Scorer {
  switch (name) {
    case 'exact':
      return exactScorer();
    case 'f1':
      return f1Scorer();
    case 'contains':
      return containsScorer();
    case 'regex':
      return regexScorer();
    case 'rouge1':
    case 'rouge2':
    case 'rougeL':
      return rougeScorer(name);
    case 'context_recall':
      return contextRecallScorer();
    case 'context_precision':
      return contextPrecisionScorer();
    case 'semantic':
      return semanticScorer({
        runtime: deps.runtime!,
        modelId: deps.embeddingModelId,
        dimensions: deps.embeddingDimensions,
        cacheDir: deps.cacheDir,
      });
    case 'Builtin.Correctness':
    case 'Builtin.Faithfulness':
      if (!deps.judgeModelId) throw new InputError(`metric "${name}" needs a judge model id`, { field: 'judge.modelId' });
      return judgeScorer(name, { runtime: deps.runtime!, modelId: deps.judgeModelId, cacheDir: deps.cacheDir });
  }
}

export interface ScoreOneResult {
  /** Metric name -> 0..1, or null when the metric does not apply to this item. */
  scores: Record<string, number | null>;
  /** Metric name -> one-line reason, for metrics that give one (the LLM judge). */
  reasons: Record<string, string>;
}

/** Scores one answer with every scorer (model-backed ones run concurrently). */
export async function scoreOne(scorers: readonly Scorer[], input: ScoreInput): Promise<ScoreOneResult> {
  const results = await Promise.all(scorers.map((s) => s.score(input)));
  const scores: Record<string, number | null> = {};
  const reasons: Record<string, string> = {};
  scorers.forEach((s, i) => {
    scores[s.name] = results[i].value;
    if (results[i].reason !== undefined) reasons[s.name] = results[i].reason!;
  });
  return { scores, reasons };
}
