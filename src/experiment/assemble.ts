/**
 * Assembles run.json from the executed run: summaries, comparisons, the minimum detectable difference, cost per
 * system, break-even volumes, the verdict and the contamination check. Validated against the schema before it is written.
 */
import type { ExperimentConfig } from '../config/schema.js';
import type { ContaminationReport } from '../datasets/contamination.js';
import { breakEvenPairs, catalogSummary, costForSystem, sageMakerCostInput, loadCatalog, measuredTokensOfRun, planKnowledgeBase, type CostInput } from '../cost/index.js';
import { recommend } from '../recommend/index.js';
import type { ItemStream } from '../schema/items.js';
import { type Comparison, type RunResult, RunSummary, SCHEMA_VERSION, type SystemSummary } from '../schema/run-result.js';
import { DEFAULT_EQUIVALENCE_MARGIN } from '../stats/index.js';
import { TOOL_VERSION } from '../util/version.js';
import type { Execution } from './execute.js';
import type { ProvisionedSystem } from './provision.js';
import { compareVectorStores } from './reprice.js';
import { statisticsOfRun, summarizeSystem, type SystemDescriptor } from './summarize.js';
import { resolveConfigPath } from '../config/load.js';
import { isBinaryMetric } from '../scoring/index.js';
import { forgettingResults, trainingHealth } from './fine-tune-risks.js';
import type { SideEvals } from './side-evals.js';
import type { EvalSetFacts } from './run-eval-set.js';

export interface AssembleInput {
  runId: string;
  createdAt: string;
  config: ExperimentConfig;
  configFile: string;
  baseDir: string;
  /** The set's facts: its items were let go after scoring (src/experiment/run-eval-set.ts). */
  evalSet: EvalSetFacts;
  /** The test prompts checked against the training data before the calls (absent: nothing to check). */
  contamination: ContaminationReport | undefined;
  systems: ProvisionedSystem[];
  execution: Execution;
  endpoint: RunResult['endpoint'];
  /** General set and re-asked training prompts (absent: no fine-tuning risks measured). */
  sideEvals?: SideEvals;
}

/** The run's summary (run.json without the sidecar reference) and its per-item results, in eval-set order. */
export interface AssembledRun {
  run: RunSummary;
  items: ItemStream;
}

export async function assembleRun(input: AssembleInput): Promise<AssembledRun> {
  const { config, evalSet, execution, contamination } = input;
  const itemCount = evalSet.categories.length;
  const descriptors: SystemDescriptor[] = input.systems.map((s) => ({
    id: s.spec.id,
    kind: s.spec.kind,
    modelId: s.modelId,
    knowledgeBaseId: s.knowledgeBaseId,
    ragMode: s.spec.knowledgeBase?.mode,
    streaming: streamingOf(s, config),
    connections: execution.connections[s.spec.id],
  }));
  const margin = config.verdict?.equivalenceMargin ?? DEFAULT_EQUIVALENCE_MARGIN;
  const statistics = await statisticsOfRun(descriptors, evalSet.categories, execution.scores, execution.metrics, config.seed, margin);
  const summaries: SystemSummary[] = descriptors.map((d) =>
    summarizeSystem(d, evalSet.categories, execution.scores, execution.metrics, config.seed, statistics),
  );

  const catalog = await loadCatalog(config.pricing.catalog ? resolveConfigPath(config.pricing.catalog, input.baseDir) : undefined, config.pricing.overrides);
  const kbInputs = await Promise.all(input.systems.map((system) => knowledgeBaseInput(system, config, input.baseDir)));
  input.systems.forEach((system, i) => {
    const summary = summaries[i];
    summary.training = system.training;
    const costInput: CostInput = {
        kind: system.spec.kind,
        modelId: system.modelId,
        pricingModelId: system.pricingModelId,
        region: config.region,
        measured: measuredTokensOfRun(summary, execution.promptTokensMean, 'in this run'),
        training: system.training?.trainingTokens
          ? {
              trainedTokens: system.training.trainingTokens,
              epochs: system.training.epochs ?? 1,
              // A system borrowing a swept model (generatorFrom) does not pay for the sweep again.
              ...(system.training.sweep && !system.spec.generatorFrom
                ? { sweepEpochs: system.training.sweep.points.filter((p) => !p.chosen).map((p) => p.epochs), sweepScoreTokens: system.training.sweep.scoreCalls }
                : {}),
            }
          : undefined,
        serving: system.training ? (system.spec.serving ?? { type: 'on-demand', modelUnits: 1, commitment: 'none' }) : undefined,
        knowledgeBase: kbInputs[i],
        execution: system.spec.execution,
        ...(system.sagemaker && system.spec.sagemaker
          ? {
              serving: undefined,
              training: undefined,
              sagemaker: sageMakerCostInput(system.spec.sagemaker, {
                billableSeconds: system.sagemaker.trainingBillableSeconds,
                trainedTokens: system.training?.trainingTokens,
                epochs: system.training?.epochs,
                endpointInstanceType: system.sagemaker.endpointInstanceType,
                trainingInstanceType: system.sagemaker.trainingInstanceType,
              }),
            }
          : {}),
      };
    if (system.sagemaker) {
      const { format: _format, ...info } = system.sagemaker;
      summary.sagemaker = info;
    }
    summary.cost = { ...costForSystem(costInput, config.workload, catalog), input: costInput as unknown as Record<string, unknown> };
  });

  const comparisons = statistics.comparisons;
  const generalSet = attachFineTuneRisks(summaries, input);
  const primary = execution.metrics.find((m) => m.name === config.primaryMetric);
  const mdd = pairedMddOfTopPair(summaries, comparisons, primary?.name ?? config.primaryMetric, itemCount);
  const breakEven = breakEvenPairs(
    summaries.filter((s) => s.cost).map((s) => ({ id: s.id, cost: s.cost! })),
    config.workload.horizonMonths,
  );
  const categories = [...new Set(evalSet.categories.filter((c): c is string => !!c))].sort();
  const recommendation = recommend({
    systems: summaries,
    comparisons,
    workload: config.workload,
    primaryMetric: primary?.name ?? config.primaryMetric,
    categories,
    equivalenceMargin: margin,
    breakEven,
  });

  const vectorStores = compareVectorStores(
    { systems: summaries, comparisons, workload: config.workload, primaryMetric: primary?.name ?? config.primaryMetric, categories, equivalenceMargin: margin },
    catalog,
    recommendation,
  );

  const notes: string[] = [];
  if (input.endpoint.emulated) {
    notes.push('Answers came from the ftrag emulator\'s reference model, not from a real foundation model: the numbers show how the method works, not how Bedrock models perform.');
  }
  if (summaries.some((s) => s.tokens.estimated)) notes.push('Some token counts are estimates made with the cl100k tokenizer (the service reported none).');
  const batchSystems = input.systems.filter((s) => s.spec.execution === 'batch').map((s) => s.spec.id);
  if (batchSystems.length) {
    notes.push(`${batchSystems.join(', ')} ran through Bedrock batch inference: its latency is the job's wall time divided by its records, not a response time.`);
  }
  notes.push(latencyNote(summaries));
  const setupCalls = summaries.reduce((n, s) => n + (s.connections?.setupCalls ?? 0), 0);
  const { runtime, agentRuntime } = execution.endpointConnections;
  notes.push(
    `Connections: ${runtime} bedrock-runtime and ${agentRuntime} bedrock-agent-runtime HTTP/2 sessions opened (warmed before timing, shared by every call, streamed or not); ` +
      `${setupCalls} timed call${setupCalls === 1 ? '' : 's'} had to open one (counted per system; the set-up time is kept out of their latency).`,
  );
  if (execution.cacheHits > 0) {
    notes.push(`${execution.cacheHits} answers came from the response cache (run with --no-cache to call the models again); their latency is the one measured when the call was first made.`);
  }

  const run = {
    schemaVersion: SCHEMA_VERSION,
    runId: input.runId,
    createdAt: input.createdAt,
    finishedAt: new Date().toISOString(),
    status: summaries.every((s) => s.items === itemCount) ? 'completed' : 'partial',
    tool: { name: 'ftrag', version: TOOL_VERSION },
    endpoint: input.endpoint,
    seed: config.seed,
    config: { ...(config as unknown as Record<string, unknown>), configFile: input.configFile },
    evalSet: { name: evalSet.name, path: evalSet.path, format: evalSet.format, size: itemCount, sha256: evalSet.sha256, categories },
    priceCatalog: catalogSummary(catalog),
    primaryMetric: config.primaryMetric,
    metrics: execution.metrics.map((m) => m.name),
    systems: summaries,
    comparisons,
    minimumDetectableDifference: mdd,
    recommendation,
    vectorStores,
    contamination,
    generalSet,
    notes,
  };
  return { run: RunSummary.parse(run), items: execution.items };
}

/**
 * Over-fitting health on every customized model's training record (shared by systems that borrow its model) and the
 * general-set change on each fine-tuned system; returns run.json's generalSet block.
 */
function attachFineTuneRisks(summaries: SystemSummary[], input: AssembleInput): RunResult['generalSet'] {
  const { config, sideEvals } = input;
  const byId = new Map(summaries.map((s) => [s.id, s]));
  const health = new Map<string, ReturnType<typeof trainingHealth>>();
  input.systems.forEach((system) => {
    const summary = byId.get(system.spec.id)!;
    if (!summary.training || system.spec.generatorFrom) return;
    const prompts = sideEvals?.trainPrompts.get(system.spec.id);
    const h = trainingHealth(summary.training, config.trainingHealth, prompts && { run: prompts, testMean: summary.metrics[prompts.metric]?.mean });
    health.set(system.spec.id, h);
    summary.training = { ...summary.training, health: h };
  });
  for (const system of input.systems) {
    const h = system.spec.generatorFrom ? health.get(system.spec.generatorFrom) : undefined;
    const summary = byId.get(system.spec.id)!;
    if (h && summary.training) summary.training = { ...summary.training, health: h };
  }
  const general = sideEvals?.general;
  if (!general || !config.generalSet) return undefined;
  const results = forgettingResults(general, config.generalSet, { seed: config.seed, binary: isBinaryMetric(general.metric) });
  for (const [id, r] of results) byId.get(id)!.generalSet = r;
  // A system that serves a fine-tuned model behind a Knowledge Base carries that model's general ability with it.
  for (const system of input.systems) {
    const r = system.spec.generatorFrom ? results.get(system.spec.generatorFrom) : undefined;
    if (r) byId.get(system.spec.id)!.generalSet = { ...r, measuredOn: system.spec.generatorFrom };
  }
  const means: Record<string, number> = {};
  for (const [id, values] of general.scores) {
    const xs = [...values.values()].filter((v): v is number => typeof v === 'number');
    if (xs.length) means[id] = xs.reduce((s, v) => s + v, 0) / xs.length;
  }
  return {
    name: general.set.name,
    path: general.set.path,
    size: general.set.items.length,
    sha256: general.set.sha256,
    metric: general.metric,
    onExceed: config.generalSet.onExceed,
    systems: [general.baseSystem, ...general.systems],
    means,
  };
}

/** Whether a system's calls streamed: batch has no per-call latency; RetrieveAndGenerate is one unstreamed call. */
function streamingOf(system: ProvisionedSystem, config: ExperimentConfig): boolean | undefined {
  if (system.spec.execution === 'batch') return undefined;
  if (system.spec.knowledgeBase?.mode === 'retrieve-and-generate') return false;
  return config.inference.streaming;
}

/** Says which latency each figure is, so nobody reads client time as service time or the reverse. */
export function latencyNote(summaries: SystemSummary[]): string {
  const withService = summaries.filter((s) => s.serviceLatencyMs).map((s) => s.id);
  const without = summaries.filter((s) => !s.serviceLatencyMs && s.latencyMs.n > 0).map((s) => s.id);
  const streamed = summaries.filter((s) => s.streaming === true).map((s) => s.id);
  const unstreamed = summaries.filter((s) => s.streaming === false).map((s) => s.id);
  const parts = [
    'Latency: "service" is the service\'s own time (Converse metrics.latencyMs; for retrieve-then-converse, the Retrieve call plus Converse metrics.latencyMs) and decides SLOs; "client" is wall time from send to last byte on this machine.',
  ];
  if (streamed.length) parts.push(`Streamed (ConverseStream, first-token time measured): ${streamed.join(', ')}.`);
  if (unstreamed.length) parts.push(`Not streamed (no first-token time): ${unstreamed.join(', ')}.`);
  if (withService.length && without.length) parts.push(`No service time reported for ${without.join(', ')}: client time is used for them.`);
  else if (!withService.length && without.length) parts.push('No system reported a service time: every latency figure is client time.');
  return parts.join(' ');
}

/**
 * The run-level minimum detectable difference: the paired MDE (from the observed discordance or paired variance)
 * of the comparison between the two best systems on the primary metric, the pair the verdict most depends on.
 */
function pairedMddOfTopPair(summaries: SystemSummary[], comparisons: Comparison[], metric: string, n: number): RunResult['minimumDetectableDifference'] {
  if (n === 0) return undefined;
  const ranked = summaries.filter((s) => s.metrics[metric]).sort((a, b) => b.metrics[metric].mean - a.metrics[metric].mean);
  if (ranked.length < 2) return undefined;
  const [x, y] = ranked;
  const c = comparisons.find((k) => k.metric === metric && k.category === undefined && ((k.a === x.id && k.b === y.id) || (k.a === y.id && k.b === x.id)));
  if (!c?.mde || c.mde.value === null) return undefined;
  const settle = c.mde.itemsToSettle && !c.significant && !c.equivalence?.equivalent ? ` About ${c.mde.itemsToSettle.toLocaleString('en-US')} items would settle the difference or show equivalence.` : '';
  return { metric, n: c.n, value: c.mde.value, note: `${x.id} vs ${y.id}, ${c.mde.basis}; alpha 0.05, power 0.8.${settle}` };
}

/**
 * The KB cost inputs of one system, from the same planner `ftrag cost` uses; the corpus tokens ingestion actually
 * counted replace the planner's when known. An existing KB whose documents ftrag never saw has no corpus size.
 */
async function knowledgeBaseInput(system: ProvisionedSystem, config: ExperimentConfig, baseDir: string): Promise<CostInput['knowledgeBase']> {
  if (!system.spec.knowledgeBase) return undefined;
  const missing: string[] = [];
  const kb = await planKnowledgeBase(system.spec, config, baseDir, missing).catch(() => undefined);
  const base = kb ?? { corpusTokens: 0, embeddingModelId: system.spec.knowledgeBase.embeddingModelId };
  if (system.corpusTokens === undefined) {
    return { ...base, corpusTokens: 0, documentTokens: undefined, corpusTokensNote: 'existing Knowledge Base: corpus size unknown, ingestion not priced' };
  }
  return { ...base, corpusTokens: system.corpusTokens };
}
