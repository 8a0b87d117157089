/**
 * bedrock control plane (HTTP/1.1): foundation models, custom models, provisioned throughput, custom model deployments.
 * Customization jobs live in customization-jobs.ts.
 */
import { CATALOG, foundationModelArn, lookupFoundationModel, summarizeModel } from './catalog.js';
import { ACCOUNT_ID, findCustomModel, settleDeployment, settleProvisioned } from './context.js';
import type { CustomModelRecord, DeploymentRecord, ProvisionedRecord } from './context.js';
import { customModelIdFor } from './customization-jobs.js';
import type { CustomizationJobRecord } from './customization-jobs.js';
import { conflict, notFound, optNumber, optString, parseJsonObject, readBody, reqString, sendJson, validation } from './http-util.js';
import { guardrailRoutes } from './guardrails.js';
import { hashId } from './rng.js';
import { controlRoute, type Route, type RouteArgs } from './routing.js';
import { bedrockTagList, checkNewResourceTags, deleteResourceTags, putResourceTags } from './tags.js';

async function listFoundationModels(a: RouteArgs): Promise<void> {
  const q = a.url.searchParams;
  const provider = q.get('byProvider');
  const customization = q.get('byCustomizationType');
  const modality = q.get('byOutputModality');
  const inference = q.get('byInferenceType');
  const models = CATALOG.filter(
    (m) =>
      (!provider || m.providerName.toLowerCase() === provider.toLowerCase()) &&
      (!customization || m.customizationsSupported.includes(customization as never)) &&
      (!modality || m.outputModalities.includes(modality as never)) &&
      (!inference || m.inferenceTypesSupported.includes(inference as never)),
  );
  sendJson(a.res, 200, { modelSummaries: models.map((m) => summarizeModel(m, a.ctx.region)) });
}

async function getFoundationModel(a: RouteArgs): Promise<void> {
  const m = lookupFoundationModel(a.params.modelIdentifier);
  if (!m) throw notFound(`Could not resolve the foundation model from the provided model identifier ${a.params.modelIdentifier}.`);
  sendJson(a.res, 200, { modelDetails: summarizeModel(m, a.ctx.region) });
}

function customModelView(m: CustomModelRecord): Record<string, unknown> {
  return {
    modelArn: m.modelArn,
    modelName: m.modelName,
    creationTime: m.creationTime,
    jobName: m.jobName,
    jobArn: m.jobArn,
    baseModelArn: m.baseModelArn,
    customizationType: m.customizationType,
    hyperParameters: m.hyperParameters,
    trainingDataConfig: m.trainingDataConfig,
    validationDataConfig: m.validationDataConfig,
    outputDataConfig: m.outputDataConfig,
    trainingMetrics: m.trainingMetrics,
    validationMetrics: m.validationMetrics,
    modelStatus: m.modelStatus,
  };
}

async function getCustomModel(a: RouteArgs): Promise<void> {
  const ident = a.params.modelIdentifier;
  const m = findCustomModel(a.ctx, ident);
  if (m) return sendJson(a.res, 200, customModelView(m));
  // While its job trains, Bedrock already shows the custom model by name, as Creating.
  const job = a.ctx.store.all<CustomizationJobRecord>('customizationJobs').find((j) => j.outputModelName === ident && (j.status === 'InProgress' || j.status === 'Stopping'));
  if (!job) throw notFound(`Could not find a custom model with identifier ${ident}.`);
  sendJson(a.res, 200, {
    modelName: job.outputModelName,
    modelArn: `arn:aws:bedrock:${a.ctx.region}:${ACCOUNT_ID}:custom-model/${job.baseModelId}/${customModelIdFor(a.ctx, job.jobId)}`,
    creationTime: job.creationTime,
    jobName: job.jobName,
    jobArn: job.jobArn,
    baseModelArn: job.baseModelArn,
    customizationType: job.customizationType,
    hyperParameters: job.hyperParameters,
    trainingDataConfig: job.trainingDataConfig,
    validationDataConfig: job.validationDataConfig,
    outputDataConfig: job.outputDataConfig,
    modelStatus: 'Creating',
  });
}

async function listCustomModels(a: RouteArgs): Promise<void> {
  const q = a.url.searchParams;
  const nameContains = q.get('nameContains');
  const base = q.get('baseModelArnEquals') ?? q.get('foundationModelArnEquals');
  const status = q.get('modelStatus');
  const models = a.ctx.store
    .all<CustomModelRecord>('customModels')
    .filter((m) => (!nameContains || m.modelName.includes(nameContains)) && (!base || m.baseModelArn === base) && (!status || m.modelStatus === status))
    .sort((x, y) => x.creationTime.localeCompare(y.creationTime) || x.modelName.localeCompare(y.modelName));
  if (q.get('sortOrder') === 'Descending') models.reverse();
  sendJson(a.res, 200, {
    modelSummaries: models.map((m) => ({
      modelArn: m.modelArn,
      modelName: m.modelName,
      creationTime: m.creationTime,
      baseModelArn: m.baseModelArn,
      baseModelName: lookupFoundationModel(m.baseModelId)?.modelName ?? m.baseModelId,
      customizationType: m.customizationType,
      ownerAccountId: ACCOUNT_ID,
      modelStatus: m.modelStatus,
    })),
  });
}

/** DeleteCustomModel: refused (ConflictException) while a provisioned throughput or deployment still serves it. */
async function deleteCustomModel(a: RouteArgs): Promise<void> {
  const m = findCustomModel(a.ctx, a.params.modelIdentifier);
  if (!m) throw notFound(`Could not find a custom model with identifier ${a.params.modelIdentifier}.`);
  const users = [
    ...a.ctx.store.all<ProvisionedRecord>('provisionedModels').filter((p) => p.modelArn === m.modelArn).map((p) => p.provisionedModelArn),
    ...a.ctx.store.all<DeploymentRecord>('deployments').filter((d) => d.modelArn === m.modelArn).map((d) => d.customModelDeploymentArn),
  ];
  if (users.length) throw conflict(`The custom model ${m.modelName} is in use by ${users.join(', ')}; delete those first.`);
  a.ctx.store.delete('customModels', m.modelId);
  a.ctx.weights.delete(m.modelId);
  deleteResourceTags(a.ctx, m.modelArn);
  sendJson(a.res, 200, {});
}

function provisionedView(p: ProvisionedRecord): Record<string, unknown> {
  const { id: _id, readyAt: _r, ...rest } = p;
  return { ...rest, desiredModelUnits: p.modelUnits, desiredModelArn: p.modelArn };
}

async function createProvisioned(a: RouteArgs): Promise<void> {
  const body = parseJsonObject(await readBody(a.req));
  const name = reqString(body, 'provisionedModelName');
  const modelId = reqString(body, 'modelId');
  const units = optNumber(body, 'modelUnits', 1, 1000);
  if (units === undefined || !Number.isInteger(units)) throw validation("1 validation error detected: Value at 'modelUnits' failed to satisfy constraint: Member must be an integer >= 1");
  const commitment = optString(body, 'commitmentDuration');
  if (commitment !== undefined && commitment !== 'OneMonth' && commitment !== 'SixMonths') {
    throw validation(`1 validation error detected: Value '${commitment}' at 'commitmentDuration' failed to satisfy constraint: Member must satisfy enum value set: [OneMonth, SixMonths]`);
  }
  // No-commitment throughput is limited to 1 model unit for custom models (reference/bedrock.md §5).
  let modelArn: string;
  let fmArn: string;
  const custom = findCustomModel(a.ctx, modelId);
  if (custom) {
    if (custom.modelStatus !== 'Active') throw validation(`Custom model ${custom.modelName} is not Active.`);
    if (!commitment && units > 1) throw validation('Provisioned Throughput without a commitment is limited to 1 model unit for a custom model.');
    modelArn = custom.modelArn;
    fmArn = custom.baseModelArn;
  } else {
    const fm = lookupFoundationModel(modelId);
    if (!fm) throw notFound(`Could not find a model with identifier ${modelId}.`);
    if (!fm.inferenceTypesSupported.includes('PROVISIONED')) throw validation(`The model ${fm.modelId} does not support Provisioned Throughput.`);
    modelArn = foundationModelArn(a.ctx.region, fm.modelId);
    fmArn = modelArn;
  }
  if (a.ctx.store.all<ProvisionedRecord>('provisionedModels').some((p) => p.provisionedModelName === name)) {
    throw conflict(`A provisioned model named ${name} already exists.`);
  }
  const tags = bedrockTagList(body, 'tags');
  checkNewResourceTags(name, tags);
  const n = a.ctx.store.next('provisionedModel');
  const id = hashId(12, a.ctx.seed, 'pt', n, name);
  const now = new Date();
  const rec: ProvisionedRecord = {
    id,
    provisionedModelArn: `arn:aws:bedrock:${a.ctx.region}:${ACCOUNT_ID}:provisioned-model/${id}`,
    provisionedModelName: name,
    modelArn,
    foundationModelArn: fmArn,
    modelUnits: units,
    commitmentDuration: commitment,
    commitmentExpirationTime: commitment ? new Date(now.getTime() + (commitment === 'OneMonth' ? 31 : 183) * 86_400_000).toISOString() : undefined,
    status: 'Creating',
    creationTime: now.toISOString(),
    lastModifiedTime: now.toISOString(),
    readyAt: now.getTime() + a.ctx.provisioningDelayMs,
  };
  a.ctx.store.put('provisionedModels', id, rec);
  putResourceTags(a.ctx, rec.provisionedModelArn, tags);
  sendJson(a.res, 201, { provisionedModelArn: rec.provisionedModelArn });
}

function findProvisioned(a: RouteArgs): ProvisionedRecord {
  const ident = a.params.provisionedModelId;
  const rec = a.ctx.store.all<ProvisionedRecord>('provisionedModels').find((p) => p.id === ident || p.provisionedModelArn === ident || p.provisionedModelName === ident);
  if (!rec) throw notFound(`Provisioned model ${ident} was not found.`);
  return settleProvisioned(a.ctx, rec);
}

async function getProvisioned(a: RouteArgs): Promise<void> {
  sendJson(a.res, 200, provisionedView(findProvisioned(a)));
}

async function deleteProvisioned(a: RouteArgs): Promise<void> {
  const rec = findProvisioned(a);
  a.ctx.store.delete('provisionedModels', rec.id);
  deleteResourceTags(a.ctx, rec.provisionedModelArn);
  sendJson(a.res, 200, {});
}

async function listProvisioned(a: RouteArgs): Promise<void> {
  const all = a.ctx.store.all<ProvisionedRecord>('provisionedModels').map((p) => settleProvisioned(a.ctx, p));
  sendJson(a.res, 200, { provisionedModelSummaries: all.sort((x, y) => x.creationTime.localeCompare(y.creationTime)).map(provisionedView) });
}

function deploymentView(d: DeploymentRecord): Record<string, unknown> {
  const { id: _id, readyAt: _r, ...rest } = d;
  return rest;
}

async function createDeployment(a: RouteArgs): Promise<void> {
  const body = parseJsonObject(await readBody(a.req));
  const name = reqString(body, 'modelDeploymentName');
  const modelArn = reqString(body, 'modelArn');
  const custom = findCustomModel(a.ctx, modelArn);
  if (!custom) throw notFound(`Could not find a custom model with identifier ${modelArn}.`);
  if (custom.modelStatus !== 'Active') throw validation(`Custom model ${custom.modelName} is not Active.`);
  const base = lookupFoundationModel(custom.baseModelId);
  if (!base?.onDemandCustomDeployment) {
    throw validation(`On-demand deployment is not supported for custom models based on ${custom.baseModelId}; use Provisioned Throughput.`);
  }
  const tags = bedrockTagList(body, 'tags');
  checkNewResourceTags(name, tags);
  const n = a.ctx.store.next('deployment');
  const id = hashId(12, a.ctx.seed, 'dep', n, name);
  const now = new Date();
  const rec: DeploymentRecord = {
    id,
    customModelDeploymentArn: `arn:aws:bedrock:${a.ctx.region}:${ACCOUNT_ID}:custom-model-deployment/${id}`,
    modelDeploymentName: name,
    modelArn: custom.modelArn,
    description: optString(body, 'description'),
    status: 'Creating',
    createdAt: now.toISOString(),
    lastUpdatedAt: now.toISOString(),
    readyAt: now.getTime() + a.ctx.provisioningDelayMs,
  };
  a.ctx.store.put('deployments', id, rec);
  putResourceTags(a.ctx, rec.customModelDeploymentArn, tags);
  sendJson(a.res, 202, { customModelDeploymentArn: rec.customModelDeploymentArn });
}

function findDeployment(a: RouteArgs): DeploymentRecord {
  const ident = a.params.customModelDeploymentIdentifier;
  const rec = a.ctx.store.all<DeploymentRecord>('deployments').find((d) => d.id === ident || d.customModelDeploymentArn === ident || d.modelDeploymentName === ident);
  if (!rec) throw notFound(`Custom model deployment ${ident} was not found.`);
  return rec;
}

async function getDeployment(a: RouteArgs): Promise<void> {
  const rec = findDeployment(a);
  sendJson(a.res, 200, deploymentView(settleDeployment(a.ctx, rec)));
}

/** ListCustomModelDeployments: summaries (ARN, name, model ARN, dates, status), oldest first. */
async function listDeployments(a: RouteArgs): Promise<void> {
  const all = a.ctx.store.all<DeploymentRecord>('deployments').map((d) => settleDeployment(a.ctx, d));
  sendJson(a.res, 200, {
    modelDeploymentSummaries: all
      .sort((x, y) => x.createdAt.localeCompare(y.createdAt))
      .map((d) => ({ customModelDeploymentArn: d.customModelDeploymentArn, customModelDeploymentName: d.modelDeploymentName, modelArn: d.modelArn, createdAt: d.createdAt, status: d.status, lastUpdatedAt: d.lastUpdatedAt })),
  });
}

async function deleteDeployment(a: RouteArgs): Promise<void> {
  const rec = findDeployment(a);
  a.ctx.store.delete('deployments', rec.id);
  deleteResourceTags(a.ctx, rec.customModelDeploymentArn);
  sendJson(a.res, 200, {});
}

const c = controlRoute;

export const controlPlaneRoutes: Route[] = [
  ...guardrailRoutes,
  c('GET', '/foundation-models', listFoundationModels),
  c('GET', '/foundation-models/{modelIdentifier}', getFoundationModel),
  c('GET', '/custom-models', listCustomModels),
  c('GET', '/custom-models/{modelIdentifier}', getCustomModel),
  c('DELETE', '/custom-models/{modelIdentifier}', deleteCustomModel),
  c('POST', '/provisioned-model-throughput', createProvisioned),
  c('GET', '/provisioned-model-throughput/{provisionedModelId}', getProvisioned),
  c('DELETE', '/provisioned-model-throughput/{provisionedModelId}', deleteProvisioned),
  c('GET', '/provisioned-model-throughputs', listProvisioned),
  c('POST', '/model-customization/custom-model-deployments', createDeployment),
  c('GET', '/model-customization/custom-model-deployments', listDeployments),
  c('GET', '/model-customization/custom-model-deployments/{customModelDeploymentIdentifier}', getDeployment),
  c('DELETE', '/model-customization/custom-model-deployments/{customModelDeploymentIdentifier}', deleteDeployment),
];
