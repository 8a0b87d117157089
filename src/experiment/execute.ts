/**
 * Builds a target per system, checks each one answers at all (so a bad model id or a missing Knowledge Base fails
 * fast with exit 2 instead of as a run of failed items), runs the eval through the journaled runner, then scores.
 */
import { join } from 'node:path';
import { retrievesKnowledgeBase, type ExperimentConfig } from '../config/schema.js';
import type { EvalItem } from '../datasets/types.js';
import { meanPromptTokens } from '../cost/index.js';
import { runEval, type ProgressReporter, type JournalRecord } from '../runner/index.js';
import { createScorers, isBinaryMetric } from '../scoring/index.js';
import type { Scorer } from '../scoring/types.js';
import { ACCOUNT_ID as EMULATOR_ACCOUNT_ID } from '../emulator/context.js';
import { createTarget, type AwsClients, type DescribedTarget, type TargetSpec } from '../targets/index.js';
import { TargetError } from '../targets/types.js';
import { createBatchTargets } from '../targets/batch.js';
import { InputError } from '../util/errors.js';
import type { ProvisionedSystem } from './provision.js';
import type { ItemStream } from '../schema/items.js';
import type { RunScores } from './run-scores.js';
import { scoreRun } from './score-pass.js';
import type { MetricInfo, ScoredRecord } from './summarize.js';
import type { RunEvalSet } from './run-eval-set.js';

export interface ExecuteInput {
  config: ExperimentConfig;
  /** Its items are released once scored: the rest of the run reads items.jsonl and the set's facts. */
  evalSet: RunEvalSet;
  systems: ProvisionedSystem[];
  clients: AwsClients;
  outDir: string;
  resume: boolean;
  /** Receives the runner's call counts (the caller turns them into events or a bar). */
  progressReporter: ProgressReporter;
  cacheDir: string;
  log: (line: string) => void;
  /** Awaited between the calls and their scoring (RunOptions.betweenPhases). */
  betweenPhases?: () => Promise<void>;
}

export interface Execution {
  /** Every pair's figures, for summaries, statistics and cost. */
  scores: RunScores;
  /** Every item's full results (outputs, contexts, scores), streamed from a file beside the run. */
  items: ItemStream;
  /** Removes that file, once items.jsonl and the reports are written. */
  discardItems(): Promise<void>;
  metrics: MetricInfo[];
  /** Mean tokens of the prompts (what a Knowledge Base embeds per query); only when a system retrieves. */
  promptTokensMean: number | undefined;
  /** Systems for which every item failed. */
  allFailedSystems: string[];
  durationMs: number;
  retries: number;
  throttles: number;
  cacheHits: number;
  /** Per system: connections its calls opened (warm-up included) and timed calls that paid a connection set-up. */
  connections: Record<string, { opened: number; setupCalls: number }>;
  /** Connections the data-plane clients opened over the whole run (one pool per client and endpoint). */
  endpointConnections: { runtime: number; agentRuntime: number };
}

const NOT_FOUND_CODES = new Set(['ValidationException', 'ResourceNotFoundException', 'AccessDeniedException']);

export function metricNamesFor(config: ExperimentConfig): string[] {
  const names = [...config.metrics];
  if (config.judge && !names.includes('Builtin.Correctness')) names.push('Builtin.Correctness');
  if (config.judge?.faithfulness && !names.includes('Builtin.Faithfulness')) names.push('Builtin.Faithfulness');
  return names;
}

export async function executeAndScore(input: ExecuteInput): Promise<Execution> {
  const { config, evalSet, clients } = input;
  const metricNames = metricNamesFor(config);
  const scorers = createScorers(metricNames, {
    runtime: clients.runtime,
    embeddingModelId: config.semantic?.modelId,
    judgeModelId: config.judge?.modelId,
    cacheDir: config.runner.cache ? join(input.cacheDir, 'scores') : undefined,
  });
  const requestOf = (item: EvalItem) => ({
    itemId: item.id,
    prompt: item.prompt,
    system: item.system ?? config.inference.system,
    maxTokens: config.inference.maxTokens,
    temperature: config.inference.temperature,
  });
  const accountId = await accountForProfiles(input.systems, clients);
  const onDemandTargets = new Map(
    input.systems
      .filter((s) => s.spec.execution !== 'batch')
      .map((s) => [s.spec.id, createTarget(targetSpecOf(s, config), { runtime: clients.runtime, agentRuntime: clients.agentRuntime, sagemakerRuntime: clients.sagemakerRuntime, region: config.region, accountId })]),
  );
  // Also opens and warms each system's connections, so no timed call pays the set-up (a resumed run warms too).
  if (evalSet.size > 0) await preflight([...onDemandTargets.values()], evalSet.items.at(0)!, config.runner.timeoutMs, { refuse: !input.resume });
  // Systems with `execution: batch` run as one Bedrock batch job each (after the cheap checks above); their answers are
  // then replayed through the runner, so the journal, scoring and reports treat them like on-demand answers.
  const batchSystems = input.systems.filter((s) => s.spec.execution === 'batch');
  const batchTargets = batchSystems.length
    ? await createBatchTargets(batchSystems.map((s) => targetSpecOf(s, config)), {
        bedrock: clients.bedrock,
        s3: clients.s3,
        requests: Array.from(evalSet.items, requestOf),
        emulated: !clients.endpointKey.startsWith('aws:'),
        locations: Object.fromEntries(batchSystems.map((s) => [s.spec.id, s.spec.batch])),
        pollMs: clients.endpointKey.startsWith('aws:') ? 60_000 : 100,
        log: input.log,
        workDir: input.outDir,
      })
    : new Map<string, DescribedTarget>();
  const targets = input.systems.map((s) => batchTargets.get(s.spec.id) ?? onDemandTargets.get(s.spec.id)!);

  const perSystem = Object.fromEntries(
    config.systems.map((s) => [s.id, { concurrency: s.concurrency, requestsPerMinute: s.requestsPerMinute, tokensPerMinute: s.tokensPerMinute }]),
  );
  const outcome = await runEval({
    items: evalSet.items,
    targets,
    journalPath: join(input.outDir, 'journal.jsonl'),
    resume: input.resume,
    concurrency: config.runner.concurrency,
    perSystem,
    timeoutMs: config.runner.timeoutMs,
    maxRetries: config.runner.maxRetries,
    cache: config.runner.cache ? { dir: input.cacheDir, endpointKey: clients.endpointKey } : null,
    progressReporter: input.progressReporter,
    seed: config.seed,
    request: requestOf,
    // The records are read back from the journal below, one at a time, instead of held through the calls.
    indexRecords: true,
  });
  input.log(
    `ran ${outcome.total} calls in ${(outcome.durationMs / 1000).toFixed(1)} s: ${outcome.failed} failed, ` +
      `${outcome.retries} retries (${outcome.throttles} throttled), ${outcome.cacheHits} from cache`,
  );

  await input.betweenPhases?.();
  // Scored in the set's order, each item's systems in the config's order, whatever order the calls finished in.
  const scored = await scoreRun(outcome.journalIndex!, evalSet.items, metricNames, (item, record) => scoreRecord(scorers, item, record), input.outDir);
  const promptTokensMean = input.systems.some((s) => retrievesKnowledgeBase(s.spec.kind)) ? meanPromptTokens(Array.from(evalSet.items, (i) => i.prompt)) : undefined;
  evalSet.release();
  const allFailedSystems = Object.entries(outcome.perSystem)
    .filter(([, c]) => c.completed === 0 && c.failed > 0)
    .map(([id]) => id);
  const connections = Object.fromEntries(
    targets
      .filter((t) => t.connections)
      .map((t) => [t.id, { opened: t.connections!.opened, setupCalls: scored.scores.setupCalls(scored.scores.systemIndex(t.id)) }]),
  );
  const endpointConnections = clients.connections();
  input.log(`connections: ${endpointConnections.runtime} runtime, ${endpointConnections.agentRuntime} agent-runtime (HTTP/2 sessions shared by all calls)`);
  return {
    scores: scored.scores,
    items: scored.items,
    discardItems: scored.discard,
    metrics: metricNames.map((name) => ({ name, binary: isBinaryMetric(name) })),
    promptTokensMean,
    connections,
    endpointConnections,
    allFailedSystems,
    durationMs: outcome.durationMs,
    retries: outcome.retries,
    throttles: outcome.throttles,
    cacheHits: outcome.cacheHits,
  };
}

async function scoreRecord(scorers: Scorer[], item: EvalItem, record: JournalRecord): Promise<ScoredRecord> {
  const scores: Record<string, number | null> = {};
  const reasons: Record<string, string> = {};
  for (const scorer of scorers) {
    if (!record.ok || !record.response) {
      // A failed call is a wrong answer for quality metrics; retrieval metrics have nothing to judge.
      scores[scorer.name] = scorer.name.startsWith('context_') ? null : 0;
      continue;
    }
    const s = await scorer.score({ item, output: record.response.output, contexts: record.response.contexts });
    scores[scorer.name] = s.value;
    if (s.reason) reasons[scorer.name] = s.reason;
  }
  return { record, scores, reasons };
}

export function targetSpecOf(system: ProvisionedSystem, config: ExperimentConfig): TargetSpec {
  const inference = {
    maxTokens: config.inference.maxTokens,
    temperature: config.inference.temperature,
    system: config.inference.system,
    streaming: config.inference.streaming,
  };
  if (system.sagemaker) {
    return { type: 'sagemaker-endpoint', id: system.spec.id, kind: system.spec.kind, endpointName: system.sagemaker.endpointName, modelId: system.modelId, format: system.sagemaker.format, inference };
  }
  const kb = system.spec.knowledgeBase;
  if (kb && system.knowledgeBaseId) {
    return {
      type: 'bedrock-kb',
      id: system.spec.id,
      kind: system.spec.kind,
      knowledgeBaseId: system.knowledgeBaseId,
      modelId: system.modelId,
      mode: kb.mode,
      numberOfResults: kb.numberOfResults,
      searchType: kb.searchType,
      promptTemplate: kb.promptTemplate,
      inference,
    };
  }
  return { type: 'bedrock-model', id: system.spec.id, kind: system.spec.kind, modelId: system.modelId, inference };
}

/**
 * One call per system before the run: an unknown model id or Knowledge Base is bad input (exit 2), not N failures
 * (`refuse`). The call also opens the system's connections, so the timed calls find them warm.
 */
async function preflight(targets: DescribedTarget[], item: EvalItem, timeoutMs: number, opts: { refuse: boolean }): Promise<void> {
  for (const target of targets) {
    try {
      await target.invoke({ itemId: item.id, prompt: item.prompt, maxTokens: 8 }, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      if (opts.refuse && err instanceof TargetError && !err.retryable && NOT_FOUND_CODES.has(err.code)) {
        throw new InputError(`system "${target.id}" (${target.modelId}) was refused: ${err.code}: ${err.message}`, {
          field: `systems.${target.id}`,
        });
      }
      // Transient trouble is the runner's to retry.
    }
  }
}

const GEO_PROFILE_ID = /^(us|eu|apac|jp|au|ca|us-gov|global)\./;

/**
 * The account an inference-profile ARN names, needed only when a RetrieveAndGenerate system is given a `us.…`
 * profile id. On AWS, GetInferenceProfile returns the profile's ARN; the emulator's account is fixed.
 */
async function accountForProfiles(systems: ProvisionedSystem[], clients: AwsClients): Promise<string | undefined> {
  const profile = systems.find((s) => s.spec.knowledgeBase?.mode === 'retrieve-and-generate' && GEO_PROFILE_ID.test(s.modelId));
  if (!profile) return undefined;
  if (!clients.endpointKey.startsWith('aws:')) return EMULATOR_ACCOUNT_ID;
  const { GetInferenceProfileCommand } = await import('@aws-sdk/client-bedrock');
  const found = await clients.bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: profile.modelId }));
  return found.inferenceProfileArn?.split(':')[4] || undefined;
}
