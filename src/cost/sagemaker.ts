/**
 * The cost of a JumpStart arm, following SageMaker's billing (per second, stated per instance-hour):
 * - training: billable seconds of the training job x instance count x the instance type's training rate, once and
 *   again at every retrain; the seconds are DescribeTrainingJob's BillableTimeInSeconds when a job ran, otherwise an
 *   estimate (the model table's assumed overhead + trained tokens x epochs / assumed throughput), labelled;
 * - endpoint: instance count x hosting rate x the hours the endpoint exists each month (24 h a day unless
 *   `serving.hoursPerDay` says it is deleted or scaled to zero part of the day): a floor paid whatever the traffic;
 * - artifact storage: the fine-tuned model's size in S3 x the storage rate, monthly.
 * Nothing is billed per token, so the per-query cost is zero and every dollar is fixed: break-even against a
 * Bedrock route (tokens per query) falls out of src/cost/break-even.ts like any other pair.
 */
import type { SystemSpec, WorkloadSpec } from '../config/schema.js';
import { jumpStartModel } from '../models/jumpstart.js';
import type { SystemCost } from '../schema/run-result.js';
import { HOURS_PER_MONTH, recurringEvents } from './billing.js';
import { formatCount, formatPrice, formatUsd } from './format.js';
import { CostLedger, costTotals } from './ledger.js';
import type { CostInput, PriceCatalog } from './types.js';

export interface SageMakerCostInput {
  jumpStartModelId: string;
  /** Absent when the endpoint serves JumpStart's base weights (nothing trained). */
  training?: {
    instanceType: string;
    instanceCount: number;
    /** BillableTimeInSeconds the job reported. */
    billableSeconds?: number;
    /** For an estimate when no job ran: trained tokens x epochs at an assumed throughput, plus fixed overhead. */
    trainedTokens?: number;
    epochs?: number;
    assumedTokensPerSecond: number;
    assumedOverheadSeconds: number;
  };
  endpoint: { instanceType: string; instanceCount: number; hoursPerDay: number };
  /** Fine-tuned artifact size (GB) for S3 storage; absent when nothing was trained. */
  artifactSizeGb?: number;
  /** True when the endpoint existed before ftrag (its hours are still counted: it bills while it serves). */
  existingEndpoint?: boolean;
}

/** Key S3 storage prices are filed under in the catalog. */
export const S3_PRICE_KEY = 'amazon-s3';

/** SageMaker prices are filed under the instance type (`ml.g5.2xlarge`) or, for artifact storage, S3's key. */
export function isSageMakerPriceKey(key: string): boolean {
  return /^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(key) || key === S3_PRICE_KEY;
}

export function costForSageMaker(input: CostInput, workload: WorkloadSpec, catalog: PriceCatalog): SystemCost {
  const sm = input.sagemaker!;
  const ledger = new CostLedger(catalog, input.region);
  for (const a of input.assumptions ?? []) ledger.assume(a);
  for (const m of input.missing ?? []) ledger.markMissing(m);
  ledger.assume(`Hourly prices are billed at ${HOURS_PER_MONTH} h/month (24 h x 31 d, AWS's convention in its pricing examples).`);
  ledger.assume('A SageMaker real-time endpoint bills per instance-hour whatever the traffic; nothing is billed per token, so the per-query cost is 0 and the endpoint is a monthly floor.');
  ledger.assume(`Capacity is not modelled: ${sm.endpoint.instanceCount} x ${sm.endpoint.instanceType} is assumed to serve ${formatCount(workload.monthlyQueries)} queries/month; add instances (serving.instanceCount) if it cannot.`);

  let trainingUsd = 0;
  if (sm.training) {
    const t = sm.training;
    let seconds = t.billableSeconds;
    let how: string;
    if (seconds !== undefined) how = `${formatCount(seconds)} s billable (DescribeTrainingJob)`;
    else if (t.trainedTokens !== undefined) {
      const epochs = t.epochs ?? 1;
      seconds = t.assumedOverheadSeconds + (t.trainedTokens * epochs) / (t.assumedTokensPerSecond * t.instanceCount);
      how = `${formatCount(Math.round(seconds))} s estimated`;
      ledger.assume(
        `Training time not measured: ${formatCount(t.assumedOverheadSeconds)} s of job overhead + ${formatCount(t.trainedTokens)} tokens x ${epochs} epoch(s) at an assumed ${formatCount(t.assumedTokensPerSecond)} tokens/s per instance (unverified estimate; a real job reports BillableTimeInSeconds).`,
      );
    } else {
      ledger.markMissing('training time of the JumpStart job (no job ran and no training data was counted)');
      how = '';
    }
    const price = ledger.price(t.instanceType, 'training-instance-hour', 'SageMaker training');
    if (price && seconds !== undefined) {
      const hours = seconds / 3600;
      trainingUsd = hours * t.instanceCount * price.price;
      ledger.add('training (SageMaker)', trainingUsd, 'one-time', `${how} = ${hours.toFixed(3)} h x ${t.instanceCount} x ${t.instanceType} x ${formatPrice(price.price)}/instance-hour`, price);
    }
    const retrains = recurringEvents(workload.horizonMonths, workload.retrainEveryMonths);
    if (retrains > 0) ledger.add('retraining', retrains * trainingUsd, 'horizon', `${retrains} retrain(s) (every ${workload.retrainEveryMonths} months within ${workload.horizonMonths}) x ${formatUsd(trainingUsd)}`);
    else ledger.assume(workload.retrainEveryMonths ? `No retraining falls inside the ${workload.horizonMonths}-month horizon.` : 'Trained once; no retraining configured (workload.retrainEveryMonths).');
  } else {
    ledger.assume(sm.existingEndpoint ? 'The endpoint already existed: no training cost is counted.' : 'JumpStart base weights served as they are: no training cost.');
  }

  const e = sm.endpoint;
  const hosting = ledger.price(e.instanceType, 'hosting-instance-hour', 'SageMaker real-time endpoint');
  if (hosting) {
    const hours = (HOURS_PER_MONTH * e.hoursPerDay) / 24;
    ledger.add('endpoint instances', e.instanceCount * hosting.price * hours, 'monthly', `${e.instanceCount} x ${e.instanceType} x ${formatPrice(hosting.price)}/instance-hour x ${formatCount(hours)} h (${e.hoursPerDay} h/day)`, hosting);
  }
  if (e.hoursPerDay < 24) ledger.assume(`The endpoint exists ${e.hoursPerDay} h a day (deleted or scaled to zero the rest): queries outside those hours are not served.`);

  if (sm.artifactSizeGb !== undefined) {
    const s3 = ledger.price(S3_PRICE_KEY, 'storage-gb-month', 'model artifact storage');
    if (s3) ledger.add('model artifact storage (S3)', sm.artifactSizeGb * s3.price, 'monthly', `${sm.artifactSizeGb} GB x ${formatPrice(s3.price)}/GB-month`, s3);
    ledger.assume(`Model artifact size: ${sm.artifactSizeGb} GB assumed (fp16 weights of the merged model, from the model table).`);
  }

  return costTotals(ledger, workload);
}

/**
 * Cost input of a SageMaker system from its config, with what a run measured when there was one (billable seconds
 * of the job, trained tokens and epochs counted from the data).
 */
export function sageMakerCostInput(
  spec: NonNullable<SystemSpec['sagemaker']>,
  measured: { billableSeconds?: number; trainedTokens?: number; epochs?: number; endpointInstanceType?: string; trainingInstanceType?: string } = {},
): SageMakerCostInput {
  const facts = jumpStartModel(spec.jumpStartModelId);
  const trainingType = measured.trainingInstanceType ?? spec.training?.instanceType ?? facts?.defaultTrainingInstanceType ?? 'unknown';
  return {
    jumpStartModelId: spec.jumpStartModelId,
    ...(spec.training
      ? {
          training: {
            instanceType: trainingType,
            instanceCount: spec.training.instanceCount,
            ...(measured.billableSeconds !== undefined ? { billableSeconds: measured.billableSeconds } : {}),
            ...(measured.trainedTokens !== undefined ? { trainedTokens: measured.trainedTokens, epochs: measured.epochs } : {}),
            assumedTokensPerSecond: facts?.assumedTrainingTokensPerSecond ?? 1000,
            assumedOverheadSeconds: facts?.assumedTrainingOverheadSeconds ?? 900,
          },
          artifactSizeGb: facts?.artifactSizeGb,
        }
      : {}),
    endpoint: {
      instanceType: measured.endpointInstanceType ?? spec.serving.instanceType ?? facts?.defaultInferenceInstanceType ?? 'unknown',
      instanceCount: spec.serving.instanceCount,
      hoursPerDay: spec.serving.hoursPerDay,
    },
    ...(spec.endpointName ? { existingEndpoint: true } : {}),
  };
}
