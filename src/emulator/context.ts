/**
 * Everything a route handler needs: state, S3, the seeded knobs, and the resolution of runtime model identifiers to
 * "which base model, with which trained weights".
 */
import type { KbIndex, TrainedModel } from './model/api.js';
import type { CatalogModel } from './catalog.js';
import { isEmbeddingModel, lookupCatalogId } from './catalog.js';
import type { EmulatorCredentials } from './auth.js';
import type { FaultRates } from './faults.js';
import { validation, notFound } from './http-util.js';
import type { LatencyProfile } from './latency.js';
import type { S3Store } from './s3-store.js';
import type { ServedTiming } from './service-clock.js';
import type { StateStore } from './store.js';

export const ACCOUNT_ID = '123456789012';

export interface EmulatorContext {
  region: string;
  seed: number;
  store: StateStore;
  s3: S3Store;
  latency: LatencyProfile;
  faults: FaultRates;
  /** How long Creating -> InService/Active takes for provisioned throughput and deployments. */
  provisioningDelayMs: number;
  log: (line: string) => void;
  /** Monotonic request counter: request ids and seeded per-request draws (padding, message ids). */
  nextRequestSeq: () => number;
  /**
   * Monotonic counter of data-plane requests only: the index of seeded fault draws. Control-plane polling (how often a
   * client asks whether a Knowledge Base is ACTIVE) depends on timing, so it must not shift which calls see a fault.
   */
  nextDataPlaneSeq: () => number;
  /** Trained weights by custom model id, loaded from disk on first use. */
  weights: Map<string, TrainedModel>;
  /** Knowledge Base indexes by data source id, loaded from disk on first use. */
  kbIndexes: Map<string, KbIndex>;
  /** Running customization jobs, so Stop and shutdown can abort them. */
  running: Map<string, AbortController>;
  /** Set by close(): work aborted because the emulator is stopping fails instead of counting as a user stop. */
  shuttingDown: boolean;
  /** Customization jobs stay at training InProgress until stopped or the emulator closes (see EmulatorOptions). */
  holdCustomizationJobs: boolean;
  /** The account's quota of customization jobs in progress at once; one more is refused (ServiceQuotaExceededException). */
  customizationJobQuota: number;
  /** Background work (training, ingestion) that close() waits for. */
  background: Set<Promise<unknown>>;
  /** When set, SigV4 signatures are recomputed with this key pair; otherwise only their form is checked. */
  credentials?: EmulatorCredentials;
  /** Silence after which a connection is closed (default DEFAULT_IDLE_TIMEOUT_MS in server.ts). */
  idleTimeoutMs?: number;
  /** Per data-plane request: arrival, wall time and modelled time, kept only when a timing log was asked for. */
  timings?: ServedTiming[];
}

export interface CustomModelRecord {
  modelId: string;
  modelArn: string;
  modelName: string;
  creationTime: string;
  jobName: string;
  jobArn: string;
  baseModelArn: string;
  baseModelId: string;
  customizationType: string;
  hyperParameters: Record<string, string>;
  trainingDataConfig: unknown;
  validationDataConfig?: unknown;
  outputDataConfig: unknown;
  trainingMetrics?: { trainingLoss: number };
  validationMetrics?: { validationLoss: number }[];
  modelStatus: 'Active' | 'Creating' | 'Failed';
}

export interface ProvisionedRecord {
  id: string;
  provisionedModelArn: string;
  provisionedModelName: string;
  modelArn: string;
  foundationModelArn: string;
  modelUnits: number;
  commitmentDuration?: string;
  commitmentExpirationTime?: string;
  status: 'Creating' | 'InService' | 'Updating' | 'Failed';
  creationTime: string;
  lastModifiedTime: string;
  readyAt: number;
}

export interface DeploymentRecord {
  id: string;
  customModelDeploymentArn: string;
  modelDeploymentName: string;
  modelArn: string;
  description?: string;
  status: 'Creating' | 'Active' | 'Failed';
  createdAt: string;
  lastUpdatedAt: string;
  readyAt: number;
}

/** Moves Creating records to their ready state once their time has come (checked lazily on every read). */
export function settleProvisioned(ctx: EmulatorContext, rec: ProvisionedRecord): ProvisionedRecord {
  if (rec.status === 'Creating' && Date.now() >= rec.readyAt) {
    rec = { ...rec, status: 'InService', lastModifiedTime: new Date().toISOString() };
    ctx.store.put('provisionedModels', rec.id, rec);
  }
  return rec;
}

export function settleDeployment(ctx: EmulatorContext, rec: DeploymentRecord): DeploymentRecord {
  if (rec.status === 'Creating' && Date.now() >= rec.readyAt) {
    rec = { ...rec, status: 'Active', lastUpdatedAt: new Date().toISOString() };
    ctx.store.put('deployments', rec.id, rec);
  }
  return rec;
}

export function loadWeights(ctx: EmulatorContext, customModelId: string): TrainedModel {
  let w = ctx.weights.get(customModelId);
  if (!w) {
    w = ctx.store.readBlob('models', customModelId) as TrainedModel | undefined;
    if (!w) throw notFound(`The weights of custom model ${customModelId} are missing from the emulator's data dir.`);
    ctx.weights.set(customModelId, w);
  }
  return w;
}

/** Finds a custom model by ARN, name or id. */
export function findCustomModel(ctx: EmulatorContext, identifier: string): CustomModelRecord | undefined {
  const all = ctx.store.all<CustomModelRecord>('customModels');
  return all.find((m) => m.modelArn === identifier || m.modelName === identifier || m.modelId === identifier);
}

export interface ResolvedModel {
  /** The catalog model whose behaviour (latency, limits) applies. */
  base: CatalogModel;
  customModel?: TrainedModel;
  /** Stable label for seeding generation: the identifier of what is served. */
  servedId: string;
}

const INVALID_ID = 'The provided model identifier is invalid.';

/** Resolves a runtime `modelId` the way Bedrock does; every failure is Bedrock's error for that case. */
export function resolveRuntimeModel(ctx: EmulatorContext, modelId: string): ResolvedModel {
  const fm = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+::foundation-model\/(.+)$/.exec(modelId);
  const profileArn = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:inference-profile\/(.+)$/.exec(modelId);
  let id = fm ? fm[1] : profileArn ? profileArn[1] : modelId;
  if (!fm) {
    const prof = /^(us|eu|apac|global|us-gov|jp|au|ca)\.(.+)$/.exec(id);
    if (prof) id = prof[2];
    else if (profileArn) throw validation(INVALID_ID);
  }
  const base = lookupCatalogId(id, false);
  if (base) return { base, servedId: base.modelId };

  const pt = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:provisioned-model\/([a-z0-9]+)$/.exec(modelId);
  if (pt) {
    const rec = ctx.store.get<ProvisionedRecord>('provisionedModels', pt[1]);
    if (!rec) throw notFound(`Provisioned model ${modelId} was not found.`);
    const settled = settleProvisioned(ctx, rec);
    if (settled.status !== 'InService') throw validation(`Provisioned model ${modelId} is not in service (status ${settled.status}).`);
    return resolveServedModel(ctx, settled.modelArn, modelId);
  }
  const dep = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:custom-model-deployment\/([a-z0-9]+)$/.exec(modelId);
  if (dep) {
    const rec = ctx.store.get<DeploymentRecord>('deployments', dep[1]);
    if (!rec) throw notFound(`Custom model deployment ${modelId} was not found.`);
    const settled = settleDeployment(ctx, rec);
    if (settled.status !== 'Active') throw validation(`Custom model deployment ${modelId} is not active (status ${settled.status}).`);
    return resolveServedModel(ctx, settled.modelArn, modelId);
  }
  if (/:custom-model\//.test(modelId)) {
    throw validation('Invocation of a custom model by its ARN is not supported. Purchase Provisioned Throughput or create a custom model deployment and use its ARN.');
  }
  throw validation(INVALID_ID);
}

/** What a provisioned model or deployment serves: a base model or a custom model with its weights. */
function resolveServedModel(ctx: EmulatorContext, modelArn: string, servedId: string): ResolvedModel {
  const custom = findCustomModel(ctx, modelArn);
  if (custom) {
    const base = lookupCatalogId(custom.baseModelId, true);
    if (!base) throw validation(INVALID_ID);
    return { base, customModel: loadWeights(ctx, custom.modelId), servedId };
  }
  const fm = /foundation-model\/(.+)$/.exec(modelArn);
  const base = lookupCatalogId(fm ? fm[1] : modelArn, true);
  if (!base) throw validation(INVALID_ID);
  return { base, servedId };
}

export function requireTextModel(r: ResolvedModel): ResolvedModel {
  if (isEmbeddingModel(r.base)) throw validation(`The model ${r.base.modelId} does not support the Converse API; it is an embedding model (use InvokeModel).`);
  return r;
}
