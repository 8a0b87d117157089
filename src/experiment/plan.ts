/**
 * `ftrag plan` and `ftrag run --dry-run`: what a run would create or reuse, every pre-flight result, how many model
 * calls it makes and what this one run is estimated to cost (with the price dates), without any call to AWS.
 */
import type { ExperimentConfig } from '../config/schema.js';
import type { LoadedConfig } from '../config/load.js';
import { resolveConfigPath } from '../config/load.js';
import { loadEvalSet } from '../datasets/load.js';
import { assumedTokens, loadCatalog, planCostInputs, priceOf, type PriceCatalog, type PriceEntry } from '../cost/index.js';
import { defaultHyperParameters } from '../models/index.js';
import { preflightRun, type PreflightResult } from '../training/preflight.js';
import { prepareTraining } from './train-model.js';
import { sweepPoints } from '../training/sweep.js';
import { planSweepScoring } from './sweep-validation.js';
import { sweepQuotaWarnings } from '../training/quota.js';
import { knowledgeBaseKey } from './ensure-kb.js';
import type { ProvisionState } from './state.js';
import { planSageMakerSystem } from './sagemaker-plan.js';

export interface PlannedResource {
  system: string;
  action: 'create' | 'reuse' | 'use existing';
  resource: string;
  detail: string;
  /** Billed by the hour while it exists (provisioned throughput, a SageMaker endpoint). */
  hourly?: boolean;
}

export interface PlannedCost {
  item: string;
  usd: number;
  basis: string;
  priceDates: string[];
}

export interface RunPlan {
  config?: string;
  endpoint: string;
  evalSetItems: number;
  preflight: PreflightResult[];
  resources: PlannedResource[];
  modelCalls: number;
  cost: PlannedCost[];
  totalUsd: number;
  missing: string[];
  assumptions: string[];
  /** What may not go as configured, said before anything runs (a sweep beyond the account's quota). */
  warnings: string[];
  priceCatalog: { id: string; date: string };
  billable: boolean;
}

/** Seconds per model call assumed for how long hourly resources live during the run (labelled as an assumption). */
export const ASSUMED_SECONDS_PER_CALL = 2;

/** Said of what the provisioning state records: the run checks it (free Get calls) and asks again if it is gone. */
const RECORDED = 'recorded in .ftrag/state.json';

/**
 * Expected run duration in seconds: systems run side by side, each with its own concurrency, so the run lasts as long
 * as its slowest system at ASSUMED_SECONDS_PER_CALL per call.
 */
function expectedRunSeconds(config: ExperimentConfig, items: number): number {
  let longest = 0;
  for (const spec of config.systems) {
    const calls = items * (spec.knowledgeBase && spec.knowledgeBase.mode === 'retrieve-then-converse' ? 2 : 1);
    const concurrency = spec.concurrency ?? config.runner.concurrency;
    longest = Math.max(longest, (calls * ASSUMED_SECONDS_PER_CALL) / concurrency);
  }
  return longest;
}

export async function planRun(loaded: LoadedConfig, opts: { limit?: number; state?: ProvisionState; log?: (line: string) => void }): Promise<RunPlan> {
  const { config, baseDir } = loaded;
  const resolvePath = (p: string) => resolveConfigPath(p, baseDir);
  const evalSet = await loadEvalSet(resolvePath(config.evalSet), { format: config.evalSetFormat });
  const items = opts.limit !== undefined ? Math.min(opts.limit, evalSet.items.length) : evalSet.items.length;
  const preflight = await preflightRun(config, { resolvePath, evalSetSize: items, log: opts.log ?? (() => undefined) });
  const catalog = await loadCatalog(config.pricing.catalog, config.pricing.overrides);
  const planned = await planCostInputs(config, catalog, { baseDir });
  const resources: PlannedResource[] = [];
  const cost: PlannedCost[] = [];
  const missing: string[] = [];
  const assumptions: string[] = [];
  const price = (modelId: string, unit: string): PriceEntry | undefined => {
    const p = priceOf(catalog, modelId, unit, config.region);
    if (!p) missing.push(`${unit} for ${modelId} in ${config.region}`);
    return p;
  };
  let modelCalls = 0;
  let hourlyMu = 0;
  // A run builds one Knowledge Base per documents folder and embedding model (provision.ts), however many systems use it.
  const kbPlanned = new Set<string>();
  for (const spec of config.systems) {
    const input = planned.find((p) => p.id === spec.id)!.input;
    if (spec.sagemaker) {
      const sm = await planSageMakerSystem(spec, input, { config, items, resolvePath, state: opts.state, catalog });
      resources.push(...sm.resources);
      cost.push(...sm.cost);
      missing.push(...sm.missing);
      assumptions.push(...sm.assumptions);
      modelCalls += items;
      continue;
    }
    if (spec.training && !spec.modelId) {
      const prepared = await prepareTraining(spec, { resolvePath });
      const known = opts.state?.models[prepared.key];
      const serving = spec.serving ?? { type: 'on-demand' as const, modelUnits: 1, commitment: 'none' as const };
      // Each step a resume would skip, from what the provisioning state recorded (a killed run's job is attached to).
      const jobKnown = !!(known?.jobArn || known?.pendingJobName);
      const modelKnown = !!known?.customModelArn;
      const servingKnown = !!(known?.servingArn && known.servingType === serving.type && modelKnown);
      const hp = { ...defaultHyperParameters(spec.training.baseModelId), ...prepared.hyperParameters };
      const act = (reuse: boolean) => (reuse ? 'reuse' : 'create');
      resources.push({ system: spec.id, action: act(jobKnown), resource: 'S3 upload', detail: `${prepared.info.trainingRecords} training records${spec.training.validationData ? ' + validation file' : ''} to ${spec.training.dataS3Uri ?? 'the emulator bucket'}` });
      const sweep = spec.training.sweep ? sweepPoints(spec.training.sweep, spec.training, `systems.${spec.id}.training`, config.seed) : undefined;
      if (sweep) {
        for (const p of sweep) {
          const php = { ...defaultHyperParameters(spec.training.baseModelId), ...p.hyperParameters };
          resources.push({ system: spec.id, action: 'create', resource: `model customization job (sweep point ${p.index + 1}/${sweep.length})`, detail: `${spec.training.customizationType} of ${spec.training.baseModelId}, ${JSON.stringify(php)}` });
        }
        const planned = await planSweepScoring(spec, sweep.length, { resolvePath, seed: config.seed, region: config.region });
        resources.push(...planned.resources);
        resources.push({ system: spec.id, action: 'create', resource: 'sweep selection', detail: `${planned.selection}; ${spec.training.sweep!.maxConcurrentJobs} job(s) at a time; the other ${sweep.length - 1} custom model(s) stay stored until deleted` });
        if (planned.calls) {
          modelCalls += planned.calls.calls;
          const pin = price(input.pricingModelId, 'input-1k-tokens');
          const pout = price(input.pricingModelId, 'output-1k-tokens');
          const c = planned.calls;
          if (pin && pout) cost.push({ item: `${spec.id}: sweep validation calls`, usd: (c.inputTokens * pin.price + c.outputTokens * pout.price) / 1000, basis: `${c.calls} calls (${sweep.length} points x ${c.records} validation records): ${c.inputTokens} in x ${pin.price} + ${c.outputTokens} out x ${pout.price} / 1k (completions' tokens as the answers' length)`, priceDates: [pin.asOf, pout.asOf] });
        }
      } else {
        resources.push({
          system: spec.id,
          action: act(jobKnown),
          resource: 'model customization job',
          detail: jobKnown ? `${known!.jobArn || known!.pendingJobName} (${RECORDED}: attached to, not started again)` : `${spec.training.customizationType} of ${spec.training.baseModelId}, ${JSON.stringify(hp)}`,
        });
      }
      resources.push({ system: spec.id, action: act(modelKnown), resource: 'custom model', detail: modelKnown ? `${known!.customModelArn!} (${RECORDED})` : `trained on ${prepared.info.trainingTokens} tokens x ${prepared.info.epochs} epochs` });
      if (serving.type === 'provisioned') {
        resources.push({
          system: spec.id,
          action: act(servingKnown),
          resource: 'provisioned throughput',
          detail: `${servingKnown ? `${known!.servingArn} (${RECORDED}), ` : ''}${serving.modelUnits} MU, commitment ${serving.commitment}: bills by the hour until deleted`,
          hourly: true,
        });
        hourlyMu += serving.modelUnits;
        const pt = price(spec.training.baseModelId, `pt-mu-hour-${serving.commitment}`);
        const hours = Math.max(1, Math.ceil(expectedRunSeconds(config, items) / 3600));
        // A reused PT bills during the run all the same: it is this run's cost either way.
        if (pt) cost.push({ item: `${spec.id}: provisioned throughput for the run`, usd: serving.modelUnits * pt.price * hours, basis: `${serving.modelUnits} MU x ${pt.price}/h x ${hours} h`, priceDates: [pt.asOf] });
      } else {
        resources.push({ system: spec.id, action: act(servingKnown), resource: 'custom model deployment', detail: `${servingKnown ? `${known!.servingArn} (${RECORDED}); ` : ''}on-demand: billed per token at the base rate` });
      }
      if (input.training && sweep) {
        // Sweep points are priced whatever the state says: a reused point costs nothing, so this is an upper bound.
        const t = price(spec.training.baseModelId, 'training-1k-tokens');
        const tokens = input.training.trainedTokens;
        for (const p of sweep) {
          const epochs = Number(p.hyperParameters.epochCount ?? defaultHyperParameters(spec.training.baseModelId).epochCount ?? 1);
          if (t) cost.push({ item: `${spec.id}: sweep point ${p.index + 1} training`, usd: (tokens * epochs * t.price) / 1000, basis: `${tokens} tokens x ${epochs} epochs x ${t.price}/1k`, priceDates: [t.asOf] });
        }
        const st = price(spec.training.baseModelId, 'storage-model-month');
        if (st && sweep.length > 1) cost.push({ item: `${spec.id}: storage of the other ${sweep.length - 1} sweep models (first month)`, usd: st.price * (sweep.length - 1), basis: `${sweep.length - 1} x ${st.price}/month`, priceDates: [st.asOf] });
      } else if (!jobKnown && input.training) {
        const t = price(spec.training.baseModelId, 'training-1k-tokens');
        if (t) cost.push({ item: `${spec.id}: training`, usd: (input.training.trainedTokens * input.training.epochs * t.price) / 1000, basis: `${input.training.trainedTokens} tokens x ${input.training.epochs} epochs x ${t.price}/1k`, priceDates: [t.asOf] });
      }
      if (!modelKnown) {
        const st = price(spec.training.baseModelId, 'storage-model-month');
        if (st) cost.push({ item: `${spec.id}: custom model storage (first month)`, usd: st.price, basis: `${st.price}/month`, priceDates: [st.asOf] });
      }
    }
    if (spec.knowledgeBase) {
      if (spec.knowledgeBase.id) resources.push({ system: spec.id, action: 'use existing', resource: 'knowledge base', detail: spec.knowledgeBase.id });
      else if (!kbPlanned.has(`${spec.knowledgeBase.documents}|${spec.knowledgeBase.embeddingModelId}`)) {
        kbPlanned.add(`${spec.knowledgeBase.documents}|${spec.knowledgeBase.embeddingModelId}`);
        const { key } = await knowledgeBaseKey(spec, resolvePath);
        const known = opts.state?.knowledgeBases[key];
        const ready = !!known?.ready;
        resources.push({
          system: spec.id,
          action: ready ? 'reuse' : 'create',
          resource: 'S3 upload + knowledge base + data source + ingestion job',
          detail: ready ? `${known!.knowledgeBaseId} (${RECORDED}; documents unchanged)` : `${spec.knowledgeBase.documents}${known?.knowledgeBaseId ? ` (resumes ${known.knowledgeBaseId}, ${RECORDED})` : ''}`,
        });
        const tokens = input.knowledgeBase?.corpusTokens ?? 0;
        const emb = price(spec.knowledgeBase.embeddingModelId, 'embedding-1k-tokens');
        if (!ready && emb && tokens) cost.push({ item: `${spec.id}: ingestion (embeddings)`, usd: (tokens * emb.price) / 1000, basis: `${tokens} corpus tokens x ${emb.price}/1k`, priceDates: [emb.asOf] });
      } else {
        resources.push({ system: spec.id, action: 'reuse', resource: 'knowledge base', detail: `the one built for the same documents (${spec.knowledgeBase.documents}) above` });
      }
    }
    if (spec.execution === 'batch') resources.push({ system: spec.id, action: 'create', resource: 'batch inference job', detail: `${items} records` });
    const callsPerItem = spec.knowledgeBase && spec.knowledgeBase.mode === 'retrieve-then-converse' ? 2 : 1;
    modelCalls += items * callsPerItem;
    const tokens = assumedTokens(spec.kind);
    const isCustomPt = spec.serving?.type === 'provisioned' && !!spec.training;
    if (!isCustomPt) {
      const unitIn = spec.execution === 'batch' ? 'batch-input-1k-tokens' : 'input-1k-tokens';
      const unitOut = spec.execution === 'batch' ? 'batch-output-1k-tokens' : 'output-1k-tokens';
      const pin = price(input.pricingModelId, unitIn);
      const pout = price(input.pricingModelId, unitOut);
      if (pin && pout) {
        cost.push({
          item: `${spec.id}: tokens`,
          usd: (items * (tokens.inputTokensMean * pin.price + tokens.outputTokensMean * pout.price)) / 1000,
          basis: `${items} calls x (${tokens.inputTokensMean} in x ${pin.price} + ${tokens.outputTokensMean} out x ${pout.price}) / 1k (${tokens.provenance})`,
          priceDates: [pin.asOf, pout.asOf],
        });
      }
    }
  }
  if (hourlyMu) {
    assumptions.push(
      `Provisioned throughput is priced for the run's expected duration: ${ASSUMED_SECONDS_PER_CALL} s per call at each system's concurrency, systems side by side (at least 1 hour); ` +
        (config.cleanup === 'after-run' ? 'cleanup: after-run deletes it when the run ends.' : 'it bills every further hour until deleted (`ftrag cleanup`, or `cleanup: after-run`).'),
    );
  }
  const totalUsd = cost.reduce((s, c) => s + c.usd, 0);
  const billable = config.endpoint === 'aws' && resources.some((r) => r.action === 'create');
  return {
    config: loaded.file,
    endpoint: endpointLabel(config),
    evalSetItems: items,
    preflight,
    resources,
    modelCalls,
    cost,
    totalUsd,
    missing: [...new Set(missing)],
    assumptions,
    warnings: sweepQuotaWarnings(config),
    priceCatalog: { id: catalog.id, date: catalog.date },
    billable,
  };
}

function endpointLabel(config: ExperimentConfig): string {
  return config.endpoint === 'aws' ? `aws (${config.region})` : config.endpointUrl ? `emulator at ${config.endpointUrl}` : 'embedded emulator';
}

export function renderPlan(plan: RunPlan, catalog?: Pick<PriceCatalog, 'id'>): string {
  const out: string[] = [];
  out.push(`Plan for ${plan.config ?? 'the config'} on ${plan.endpoint}: ${plan.evalSetItems} eval items, ${plan.modelCalls} model calls. Nothing has been called.`);
  out.push('', 'Pre-flight:');
  if (plan.preflight.length === 0) out.push('  (nothing to check beyond the config: no training, no batch)');
  for (const p of plan.preflight) out.push(`  ok  ${p.system}: ${p.check}: ${p.detail}`);
  out.push('', 'Resources:');
  if (plan.resources.length === 0) out.push('  none created: every system calls an existing model');
  for (const r of plan.resources) out.push(`  ${r.action.padEnd(12)} ${r.system}: ${r.resource}: ${r.detail}`);
  out.push('', `Estimated cost of this run (price catalog ${catalog?.id ?? plan.priceCatalog.id}, ${plan.priceCatalog.date}):`);
  for (const c of plan.cost) out.push(`  $${c.usd.toFixed(4).padStart(10)}  ${c.item}  [${c.basis}; prices as of ${[...new Set(c.priceDates)].join(', ')}]`);
  out.push(`  $${plan.totalUsd.toFixed(4).padStart(10)}  total`);
  for (const m of plan.missing) out.push(`  not priced: ${m}`);
  for (const a of plan.assumptions) out.push(`  assumption: ${a}`);
  if (plan.warnings.length) out.push('');
  for (const w of plan.warnings) out.push(w);
  return `${out.join('\n')}\n`;
}
