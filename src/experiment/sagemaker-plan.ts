/**
 * What `ftrag plan` says about a JumpStart arm: the upload, the training job (instances, hyperparameters), the model,
 * endpoint config and endpoint (hourly, until `ftrag cleanup`), and what this one run costs: the training job's
 * estimated instance-hours, the endpoint's hours for the run's expected duration (at least one), and a month of
 * artifact storage. On AWS, what SageMaker needs that the emulator defaults is required here (exit 2 naming it).
 */
import type { ExperimentConfig, SystemSpec } from '../config/schema.js';
import { costForSageMaker, priceOf, type CostInput, type PriceCatalog } from '../cost/index.js';
import { prepareJumpStart, requireAwsFields } from '../training/sagemaker.js';
import type { PlannedCost, PlannedResource } from './plan.js';
import { ASSUMED_SECONDS_PER_CALL } from './plan.js';
import type { ProvisionState } from './state.js';

export interface SageMakerPlanContext {
  config: ExperimentConfig;
  items: number;
  resolvePath: (p: string) => string;
  state?: ProvisionState;
  catalog: PriceCatalog;
}

export async function planSageMakerSystem(
  spec: SystemSpec,
  input: CostInput,
  ctx: SageMakerPlanContext,
): Promise<{ resources: PlannedResource[]; cost: PlannedCost[]; missing: string[]; assumptions: string[] }> {
  const sm = spec.sagemaker!;
  const resources: PlannedResource[] = [];
  const cost: PlannedCost[] = [];
  const missing: string[] = [];
  const assumptions: string[] = [];
  const system = spec.id;
  if (sm.endpointName) {
    resources.push({ system, action: 'use existing', resource: 'SageMaker endpoint', detail: `${sm.endpointName} (not created or deleted by ftrag)` });
    return { resources, cost, missing, assumptions };
  }
  if (ctx.config.endpoint === 'aws') requireAwsFields(spec);
  const prepared = await prepareJumpStart(spec, { resolvePath: ctx.resolvePath });
  const known = ctx.state?.sagemaker?.[prepared.key];
  const trained = !!known?.trainingJobDone;
  const served = !!known?.endpointName;
  if (sm.training) {
    const act = trained ? 'reuse' : 'create';
    resources.push({ system, action: act, resource: 'S3 upload', detail: `${prepared.info?.trainingRecords} training records as JumpStart prompt/completion JSONL + template.json${sm.training.validationData ? ' + validation channel' : ''} to ${sm.dataS3Uri ?? 'the emulator bucket'}` });
    resources.push({ system, action: act, resource: 'SageMaker training job', detail: `${prepared.facts.modelId} on ${sm.training.instanceCount} x ${prepared.trainingInstanceType}, ${JSON.stringify(prepared.hyperParameters)}` });
  }
  const act = served ? 'reuse' : 'create';
  resources.push({ system, action: act, resource: 'SageMaker model + endpoint config', detail: `${prepared.format} container, ${sm.training ? 'the fine-tuned artifact' : "JumpStart's base weights"}` });
  resources.push({ system, action: act, resource: 'SageMaker endpoint', detail: `${sm.serving.instanceCount} x ${prepared.endpointInstanceType}: bills every hour it exists until deleted (ftrag cleanup)`, hourly: true });

  const priced = costForSageMaker(input, ctx.config.workload, ctx.catalog);
  const training = priced.lines.find((l) => l.item === 'training (SageMaker)');
  if (training && !trained) cost.push({ item: `${system}: SageMaker training (estimated)`, usd: training.usd, basis: training.basis, priceDates: training.asOf ? [training.asOf] : [] });
  const hosting = priceOf(ctx.catalog, prepared.endpointInstanceType, 'hosting-instance-hour', ctx.config.region);
  const hours = Math.max(1, Math.ceil((ctx.items * ASSUMED_SECONDS_PER_CALL) / 3600));
  if (hosting) cost.push({ item: `${system}: SageMaker endpoint for the run`, usd: sm.serving.instanceCount * hosting.price * hours, basis: `${sm.serving.instanceCount} x ${prepared.endpointInstanceType} x ${hosting.price}/h x ${hours} h`, priceDates: [hosting.asOf] });
  else missing.push(`hosting-instance-hour for ${prepared.endpointInstanceType} in ${ctx.config.region}`);
  const storage = priced.lines.find((l) => l.item === 'model artifact storage (S3)');
  if (storage && !trained) cost.push({ item: `${system}: model artifact storage (first month)`, usd: storage.usd, basis: storage.basis, priceDates: storage.asOf ? [storage.asOf] : [] });
  missing.push(...priced.missingPrices);
  assumptions.push(`The SageMaker endpoint is priced for the run's expected duration at ${ASSUMED_SECONDS_PER_CALL} s per call (at least 1 hour); it bills every hour until deleted.`);
  assumptions.push(...priced.assumptions.filter((a) => a.startsWith('Training time not measured')));
  return { resources, cost, missing, assumptions };
}
