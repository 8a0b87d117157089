/**
 * The metrics an Amazon Bedrock Evaluations job writes, as ftrag metric names. One table, so the import, the report
 * and the docs agree. Names and job types: the CreateEvaluationJob API reference (EvaluationDatasetMetricConfig
 * metricNames) and the user guide pages on judge metrics (model-evaluation-metrics) and RAG metrics
 * (knowledge-base-eval-retrieve). Judge metrics are normalised by Bedrock to 0..1 per response (null when the judge
 * found the metric not applicable, e.g. citation metrics on an answer without citations).
 *
 * Direction: for the responsible-AI metrics (harmfulness, stereotyping, refusal) and toxicity a higher score means
 * more of the bad thing, so they are compared like any metric but never decide a verdict.
 */

export interface BedrockMetric {
  /** The name in the job output (`metricName`). */
  bedrockName: string;
  /** The name in run.json, the reports and gate rules. */
  name: string;
  higherIsBetter: boolean;
  /** Why a known metric is not imported as a per-item 0..1 score; absent when it is. */
  unsupported?: string;
}

const judge = (short: string, higherIsBetter = true): BedrockMetric => ({
  bedrockName: `Builtin.${short}`,
  name: `bedrock.${short[0].toLowerCase()}${short.slice(1)}`,
  higherIsBetter,
});

export const BEDROCK_METRICS: readonly BedrockMetric[] = [
  // Model evaluation with an LLM as judge, and RAG retrieve-and-generate.
  judge('Correctness'),
  judge('Completeness'),
  judge('Faithfulness'),
  judge('Helpfulness'),
  judge('Coherence'),
  judge('LogicalCoherence'),
  judge('Relevance'),
  judge('FollowingInstructions'),
  judge('ProfessionalStyleAndTone'),
  judge('CitationPrecision'),
  judge('CitationCoverage'),
  judge('Harmfulness', false),
  judge('Stereotyping', false),
  judge('Refusal', false),
  // RAG retrieve-only.
  judge('ContextRelevance'),
  judge('ContextCoverage'),
  // Automatic (programmatic) model evaluation.
  judge('Accuracy'),
  judge('Toxicity', false),
  {
    bedrockName: 'Builtin.Robustness',
    name: 'bedrock.robustness',
    higherIsBetter: false,
    unsupported: 'it is a change in another metric under perturbed prompts, not a 0..1 score of one answer',
  },
];

const BY_NAME = new Map<string, BedrockMetric>(BEDROCK_METRICS.map((m) => [m.bedrockName, m]));

/**
 * The built-in metric a `metricName` names. The user guide's own example output writes "Accuracy" without the
 * "Builtin." prefix, so a bare built-in name is read as the built-in.
 */
export function builtinMetric(metricName: string): BedrockMetric | undefined {
  return BY_NAME.get(metricName) ?? BY_NAME.get(`Builtin.${metricName}`);
}

/** A custom metric (defined in the job's custom_metrics/ folder) as an ftrag metric. */
export function customMetric(metricName: string): BedrockMetric {
  return { bedrockName: metricName, name: `bedrock.custom.${metricName}`, higherIsBetter: true };
}

/** Every imported metric name, whatever run it is in: used by reports to tell imported metrics from ftrag's own. */
export function isImportedMetric(name: string): boolean {
  return name.startsWith('bedrock.');
}
