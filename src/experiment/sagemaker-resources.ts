/**
 * `ftrag resources` / `ftrag cleanup` for the JumpStart arm: the training job (stopped by cleanup while it still
 * runs: it bills per second), and the model, endpoint config and endpoint (deleted; the endpoint bills every hour it
 * exists, shown with its hourly price). The fine-tuned artifact in S3 is kept, as Bedrock custom models are: it is
 * cheap to store and costly to train again.
 */
import { priceOf, type PriceCatalog } from '../cost/index.js';
import type { AwsClients } from '../targets/clients.js';
import type { CreatedResource } from './resources.js';
import type { ProvisionState } from './state.js';
import { sageMakerSdk } from '../targets/sdk.js';

/** SageMaker answers a missing model, config or endpoint with a ValidationException "Could not find ...". */
function isGone(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e.name === 'ResourceNotFound' || e.name === 'ResourceNotFoundException' || (e.name === 'ValidationException' && /could not find/i.test(e.message ?? ''));
}

async function statusOf(get: () => Promise<string | undefined>): Promise<string> {
  try {
    return (await get()) ?? 'unknown';
  } catch (err) {
    if (isGone(err)) return 'not found';
    throw err;
  }
}

export async function listSageMakerResources(clients: AwsClients, state: ProvisionState, catalog: PriceCatalog): Promise<CreatedResource[]> {
  const out: CreatedResource[] = [];
  for (const r of Object.values(state.sagemaker ?? {})) {
    const who = { system: r.systemId, runId: r.runId };
    const sm = clients.sagemaker;
    if (r.trainingJobName) {
      const name = r.trainingJobName;
      out.push({ kind: 'SageMaker training job', id: name, status: await statusOf(async () => (await sm.send(new sageMakerSdk.DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus), ...who });
    }
    if (r.modelName) {
      const name = r.modelName;
      out.push({ kind: 'SageMaker model', id: name, status: await statusOf(async () => ((await sm.send(new sageMakerSdk.DescribeModelCommand({ ModelName: name }))).ModelName ? 'exists' : undefined)), ...who });
    }
    if (r.endpointConfigName) {
      const name = r.endpointConfigName;
      out.push({ kind: 'SageMaker EndpointConfig', id: name, status: await statusOf(async () => ((await sm.send(new sageMakerSdk.DescribeEndpointConfigCommand({ EndpointConfigName: name }))).EndpointConfigName ? 'exists' : undefined)), ...who });
    }
    if (r.endpointName) {
      const name = r.endpointName;
      const price = r.endpointInstanceType ? priceOf(catalog, r.endpointInstanceType, 'hosting-instance-hour', clients.region) : undefined;
      const status = await statusOf(async () => (await sm.send(new sageMakerSdk.DescribeEndpointCommand({ EndpointName: name }))).EndpointStatus);
      out.push({ kind: 'SageMaker endpoint', id: name, status, ...who, ...(price && status !== 'not found' ? { hourlyUsd: price.price * (r.endpointInstanceCount ?? 1) } : {}) });
    }
  }
  return out;
}

/** True for what cleanup acts on: everything but a training job that already ended (nothing left to stop). */
export function sageMakerCleanupApplies(r: CreatedResource): boolean {
  return r.kind !== 'SageMaker training job' || r.status === 'InProgress';
}

async function ifPresent(act: () => Promise<unknown>): Promise<boolean> {
  try {
    await act();
    return true;
  } catch (err) {
    if (isGone(err)) return false;
    throw err;
  }
}

/** Deletes endpoint, endpoint config and model (in that order) and stops a running job; saves the state after each. Idempotent. */
export async function cleanupSageMakerResources(clients: AwsClients, state: ProvisionState, save: () => Promise<void>): Promise<string[]> {
  const done: string[] = [];
  const sm = clients.sagemaker;
  for (const r of Object.values(state.sagemaker ?? {})) {
    if (r.trainingJobName && !r.trainingJobDone) {
      const name = r.trainingJobName;
      const status = await statusOf(async () => (await sm.send(new sageMakerSdk.DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus);
      if (status === 'InProgress' && (await ifPresent(() => sm.send(new sageMakerSdk.StopTrainingJobCommand({ TrainingJobName: name }))))) done.push(`SageMaker training job ${name} (stopped)`);
    }
    if (r.endpointName) {
      const name = r.endpointName;
      if (await ifPresent(() => sm.send(new sageMakerSdk.DeleteEndpointCommand({ EndpointName: name })))) done.push(`SageMaker endpoint ${name}`);
      delete r.endpointName;
      await save();
    }
    if (r.endpointConfigName) {
      const name = r.endpointConfigName;
      if (await ifPresent(() => sm.send(new sageMakerSdk.DeleteEndpointConfigCommand({ EndpointConfigName: name })))) done.push(`SageMaker endpoint config ${name}`);
      delete r.endpointConfigName;
      await save();
    }
    if (r.modelName) {
      const name = r.modelName;
      if (await ifPresent(() => sm.send(new sageMakerSdk.DeleteModelCommand({ ModelName: name })))) done.push(`SageMaker model ${name}`);
      delete r.modelName;
      await save();
    }
  }
  return done;
}
