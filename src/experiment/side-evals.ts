/**
 * Evaluations beside the domain eval set, for fine-tuning's risks: the general-capability set (catastrophic
 * forgetting) run on the base model and every fine-tuned model, and a sample of training prompts (plus the validation
 * file) re-asked to each fine-tuned model (the train/test gap). They go through the same journaled runner, cache and
 * scorers as the main run, each with its own journal in the run folder, so a resumed run does not call them again.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentConfig } from '../config/schema.js';
import { resolveConfigPath } from '../config/load.js';
import { loadEvalSet } from '../datasets/load.js';
import { loadTrainingData } from '../datasets/training.js';
import type { EvalItem, EvalSet } from '../datasets/types.js';
import { runEval } from '../runner/index.js';
import { createScorers } from '../scoring/index.js';
import { createTarget, type AwsClients } from '../targets/index.js';
import { InputError } from '../util/errors.js';
import { mulberry32 } from '../util/random.js';
import { targetSpecOf } from './execute.js';
import type { ProvisionedSystem } from './provision.js';
import type { TrainContext } from './train-model.js';

/** The bundled general set (SQuAD 2.0 reading questions with their paragraphs; eval-sets/general/README.md). */
export const BUNDLED_GENERAL_SET = fileURLToPath(new URL('../../eval-sets/general/squad-v2-general.jsonl', import.meta.url));

/** Per system, per item id: the metric's value (null when unscored). */
export type ScoreTable = Map<string, Map<string, number | null>>;

export interface SideEvalContext {
  config: ExperimentConfig;
  baseDir: string;
  clients: AwsClients;
  outDir: string;
  resume: boolean;
  cacheDir: string;
  log: (line: string) => void;
}

export interface GeneralSetRun {
  set: EvalSet;
  metric: string;
  baseSystem: string;
  systems: string[];
  scores: ScoreTable;
}

export interface TrainPromptRun {
  metric: string;
  /** Scores on re-asked training prompts, and on the validation file when there is one. */
  train: Map<string, number | null>;
  validation?: Map<string, number | null>;
}

/** Fine-tuned models that answer on their own (no Knowledge Base in front): the ones whose general ability is at risk. */
export function customizedSystems(systems: ProvisionedSystem[]): ProvisionedSystem[] {
  return systems.filter((s) => s.training && !s.spec.knowledgeBase && !s.spec.generatorFrom);
}

/**
 * The general set and the base system it is compared with, checked before anything is trained (a bad file or a
 * missing base system is bad input, exit 2). Undefined when the config has no generalSet.
 */
export async function loadGeneralSet(config: ExperimentConfig, baseDir: string): Promise<{ set: EvalSet; baseSystemId: string } | undefined> {
  const spec = config.generalSet;
  if (!spec) return undefined;
  const base = spec.baseSystem ? config.systems.find((s) => s.id === spec.baseSystem) : config.systems.find((s) => s.kind === 'base' && !s.knowledgeBase);
  if (!base) {
    const why = spec.baseSystem ? `names no system "${spec.baseSystem}"` : 'needs a system of kind base to compare the fine-tuned models with (or generalSet.baseSystem)';
    throw new InputError(`generalSet ${why}`, { field: spec.baseSystem ? 'generalSet.baseSystem' : 'generalSet' });
  }
  const path = spec.evalSet ? resolveConfigPath(spec.evalSet, baseDir) : BUNDLED_GENERAL_SET;
  let set = await loadEvalSet(path, { format: spec.evalSetFormat });
  if (spec.limit !== undefined) set = { ...set, items: set.items.slice(0, spec.limit) };
  if (set.items.length === 0) throw new InputError('the general set has no items', { file: path, field: 'generalSet.evalSet' });
  return { set, baseSystemId: base.id };
}

export async function runGeneralSet(systems: ProvisionedSystem[], ctx: SideEvalContext): Promise<GeneralSetRun | undefined> {
  const spec = ctx.config.generalSet;
  const loaded = await loadGeneralSet(ctx.config, ctx.baseDir);
  if (!spec || !loaded) return undefined;
  const tuned = customizedSystems(systems);
  if (tuned.length === 0) {
    ctx.log('general set: no fine-tuned system answers on its own, nothing to check for forgetting');
    return undefined;
  }
  const base = systems.find((s) => s.spec.id === loaded.baseSystemId)!;
  const set = loaded.set;
  const ids = [base, ...tuned];
  ctx.log(`general set: ${set.items.length} items of ${set.name} on ${ids.map((s) => s.spec.id).join(', ')}`);
  const scores = await ask(set.items, ids, spec.metric, 'general.journal.jsonl', ctx);
  return { set, metric: spec.metric, baseSystem: base.spec.id, systems: tuned.map((s) => s.spec.id), scores };
}

/**
 * Re-asks up to `trainingHealth.trainSample` training prompts (a seeded sample) to one fine-tuned system, scored
 * against their training completions, and the validation file's prompts when there is one.
 */
export async function runTrainPrompts(system: ProvisionedSystem, metric: string, ctx: SideEvalContext): Promise<TrainPromptRun | undefined> {
  const training = system.spec.training;
  const sample = ctx.config.trainingHealth.trainSample;
  if (!training?.trainingData || sample === 0 || training.customizationType !== 'FINE_TUNING') return undefined;
  const toItems = async (file: string, prefix: string): Promise<EvalItem[]> => {
    const data = await loadTrainingData(resolveConfigPath(file, ctx.baseDir));
    return data.records
      .filter((r) => r.completion.trim() !== '')
      .map((r) => ({ id: `${prefix}-${r.line}`, prompt: r.prompt, system: r.system, references: [r.completion] }));
  };
  const all = await toItems(training.trainingData!, 'train');
  const rand = mulberry32(ctx.config.seed);
  const order = all.map((item) => ({ item, key: rand() })).sort((a, b) => a.key - b.key);
  const picked = order.slice(0, sample).map((o) => o.item);
  const validation = training.validationData ? (await toItems(training.validationData, 'validation')).slice(0, Math.max(sample, 1)) : [];
  const scores = await ask([...picked, ...validation], [system], metric, `train-prompts.${system.spec.id}.journal.jsonl`, ctx);
  const mine = scores.get(system.spec.id) ?? new Map();
  const pick = (items: EvalItem[]) => new Map(items.map((i) => [i.id, mine.get(i.id) ?? null]));
  return { metric, train: pick(picked), validation: validation.length ? pick(validation) : undefined };
}

async function ask(items: EvalItem[], systems: ProvisionedSystem[], metric: string, journal: string, ctx: SideEvalContext): Promise<ScoreTable> {
  return (await askScored(items, systems, metric, journal, ctx)).scores;
}

/** Tokens the calls of a side evaluation used (what they are billed by), per system. */
export type TokenTable = Map<string, { input: number; output: number; calls: number }>;

/**
 * Asks `items` to `systems` through the journaled runner (own journal in the run folder, cache), scores every answer
 * with `metric` against the item's references (a failed call scores 0) and sums the tokens each system used.
 */
export async function askScored(
  items: EvalItem[],
  systems: ProvisionedSystem[],
  metric: string,
  journal: string,
  ctx: SideEvalContext,
): Promise<{ scores: ScoreTable; tokens: TokenTable }> {
  const { config, clients } = ctx;
  const targets = systems.map((s) => createTarget(targetSpecOf(s, config), { runtime: clients.runtime, agentRuntime: clients.agentRuntime, region: config.region }));
  const outcome = await runEval({
    items,
    targets,
    journalPath: join(ctx.outDir, journal),
    resume: ctx.resume,
    concurrency: config.runner.concurrency,
    timeoutMs: config.runner.timeoutMs,
    maxRetries: config.runner.maxRetries,
    cache: config.runner.cache ? { dir: ctx.cacheDir, endpointKey: clients.endpointKey } : null,
    seed: config.seed,
    progress: 'none',
    request: (item) => ({
      itemId: item.id,
      prompt: item.prompt,
      system: item.system ?? config.inference.system,
      maxTokens: config.inference.maxTokens,
      temperature: config.inference.temperature,
    }),
  });
  const [scorer] = createScorers([metric], { runtime: clients.runtime, cacheDir: config.runner.cache ? join(ctx.cacheDir, 'scores') : undefined });
  const table: ScoreTable = new Map(systems.map((s) => [s.spec.id, new Map()]));
  const tokens: TokenTable = new Map(systems.map((s) => [s.spec.id, { input: 0, output: 0, calls: 0 }]));
  const byId = new Map(items.map((i) => [i.id, i]));
  for (const [itemId, bySystem] of outcome.records ?? []) {
    const item = byId.get(itemId);
    if (!item) continue;
    for (const [systemId, record] of bySystem) {
      // A failed call is a wrong answer, as in the main run.
      const value = record.ok && record.response ? (await scorer.score({ item, output: record.response.output })).value : 0;
      table.get(systemId)?.set(itemId, value);
      const used = tokens.get(systemId);
      if (used && record.response?.usage) {
        used.input += record.response.usage.inputTokens;
        used.output += record.response.usage.outputTokens;
      }
      if (used) used.calls++;
    }
  }
  return { scores: table, tokens };
}

const LEXICAL = new Set(['exact', 'f1', 'contains', 'rouge1', 'rouge2', 'rougeL']);

/** Training completions are references of their own; a model-backed metric (judge, semantic) would need more calls. */
export function sideMetric(config: ExperimentConfig): string {
  return LEXICAL.has(config.primaryMetric) ? config.primaryMetric : 'f1';
}

/** What a score-based sweep asks its points with: the side evaluations' runner, cache and metric. */
export function sweepAsker(ctx: SideEvalContext): NonNullable<TrainContext['askSweepPoints']> {
  const metric = sideMetric(ctx.config);
  return async (spec, items, models, journal) => {
    const systems: ProvisionedSystem[] = models.map((m) => ({ spec: { ...spec, id: m.id, knowledgeBase: undefined, generatorFrom: undefined }, modelId: m.modelId, pricingModelId: '' }));
    const { scores, tokens } = await askScored(items, systems, metric, journal, ctx);
    return { metric, scores, tokens };
  };
}

export interface SideEvals {
  general?: GeneralSetRun;
  trainPrompts: Map<string, TrainPromptRun>;
}

/** Both side evaluations for a provisioned run (nothing when no system is fine-tuned). */
export async function runSideEvals(systems: ProvisionedSystem[], ctx: SideEvalContext): Promise<SideEvals> {
  const metric = sideMetric(ctx.config);
  const trainPrompts = new Map<string, TrainPromptRun>();
  for (const s of customizedSystems(systems)) {
    const run = await runTrainPrompts(s, metric, ctx);
    if (run) trainPrompts.set(s.spec.id, run);
  }
  if (trainPrompts.size) ctx.log(`training health: re-asked training prompts of ${[...trainPrompts.keys()].join(', ')}`);
  return { general: await runGeneralSet(systems, ctx), trainPrompts };
}
