/**
 * `ftrag resources` and `ftrag cleanup`: what ftrag created on an endpoint, read from the provisioning state it saves
 * after each resource (system, run id), with live status and the hourly cost of what bills by the hour; and deleting
 * what keeps billing or holds data (provisioned throughput, custom model deployments, data sources, Knowledge Bases).
 * Custom models are listed and kept unless asked (`--models`): retraining one costs far more than storing it.
 */
import { priceOf, type PriceCatalog } from '../cost/index.js';
import type { AwsClients } from '../targets/clients.js';
import type { ProvisionState } from './state.js';
import { cleanupSageMakerResources, listSageMakerResources } from './sagemaker-resources.js';
import { bedrockAgentSdk, bedrockSdk } from '../targets/sdk.js';

export interface CreatedResource {
  kind:
    | 'custom model'
    | 'provisioned throughput'
    | 'custom model deployment'
    | 'knowledge base'
    | 'data source'
    | 'SageMaker training job'
    | 'SageMaker model'
    | 'SageMaker EndpointConfig'
    | 'SageMaker endpoint';
  id: string;
  status: string;
  system?: string;
  runId?: string;
  /** Only for what bills by the hour while it exists (provisioned throughput: model units x the MU-hour price). */
  hourlyUsd?: number;
  /** Only for what bills by the month while it exists (custom model storage). */
  monthlyUsd?: number;
  /** The resource's AWS tags (ftrag:managed, ftrag:run-id, ftrag:experiment, ftrag:system); absent where none can be read. */
  tags?: Record<string, string>;
}

/** Tags as read back from the service; undefined (not an error) where the caller may not list them or the resource is gone. */
async function tagsOf(list: () => Promise<Record<string, string> | undefined>): Promise<Record<string, string> | undefined> {
  try {
    return await list();
  } catch {
    return undefined;
  }
}

const bedrockTags = (clients: AwsClients, resourceARN: string) =>
  tagsOf(async () => Object.fromEntries(((await clients.bedrock.send(new bedrockSdk.ListTagsForResourceCommand({ resourceARN }))).tags ?? []).map((t) => [t.key!, t.value ?? ''])));

const GONE = new Set(['ResourceNotFoundException', 'ValidationException']);

async function statusOf(get: () => Promise<string | undefined>): Promise<string> {
  try {
    return (await get()) ?? 'unknown';
  } catch (err) {
    if (GONE.has((err as { name?: string }).name ?? '')) return 'not found';
    throw err;
  }
}

const COMMITMENT_UNIT: Record<string, string> = { OneMonth: 'pt-mu-hour-1-month', SixMonths: 'pt-mu-hour-6-month' };

export async function listCreatedResources(clients: AwsClients, state: ProvisionState, catalog: PriceCatalog): Promise<CreatedResource[]> {
  const out: CreatedResource[] = [];
  for (const m of Object.values(state.models)) {
    const who = { system: m.systemId, runId: m.runId };
    if (m.customModelArn) {
      const arn = m.customModelArn;
      let monthlyUsd: number | undefined;
      const status = await statusOf(async () => {
        const model = await clients.bedrock.send(new bedrockSdk.GetCustomModelCommand({ modelIdentifier: arn }));
        const storage = model.baseModelArn ? priceOf(catalog, model.baseModelArn, 'storage-model-month', clients.region) : undefined;
        if (storage) monthlyUsd = storage.price;
        return model.modelStatus;
      });
      const tags = status === 'not found' ? undefined : await bedrockTags(clients, arn);
      out.push({ kind: 'custom model', id: arn, status, ...who, ...(monthlyUsd !== undefined ? { monthlyUsd } : {}), ...(tags ? { tags } : {}) });
    }
    if (!m.servingArn) continue;
    const arn = m.servingArn;
    if (m.servingType === 'provisioned') {
      let hourlyUsd: number | undefined;
      const status = await statusOf(async () => {
        const pt = await clients.bedrock.send(new bedrockSdk.GetProvisionedModelThroughputCommand({ provisionedModelId: arn }));
        const baseId = pt.foundationModelArn?.split('/').pop();
        const unit = COMMITMENT_UNIT[pt.commitmentDuration ?? ''] ?? 'pt-mu-hour-none';
        const price = baseId ? priceOf(catalog, baseId, unit, clients.region) : undefined;
        if (price && pt.modelUnits) hourlyUsd = price.price * pt.modelUnits;
        return pt.status;
      });
      const tags = status === 'not found' ? undefined : await bedrockTags(clients, arn);
      out.push({ kind: 'provisioned throughput', id: arn, status, ...who, ...(hourlyUsd !== undefined ? { hourlyUsd } : {}), ...(tags ? { tags } : {}) });
    } else {
      const status = await statusOf(async () => (await clients.bedrock.send(new bedrockSdk.GetCustomModelDeploymentCommand({ customModelDeploymentIdentifier: arn }))).status);
      const tags = status === 'not found' ? undefined : await bedrockTags(clients, arn);
      out.push({ kind: 'custom model deployment', id: arn, status, ...who, ...(tags ? { tags } : {}) });
    }
  }
  for (const kb of Object.values(state.knowledgeBases)) {
    const who = { system: kb.systemId, runId: kb.runId };
    const knowledgeBaseId = kb.knowledgeBaseId;
    let kbArn: string | undefined;
    const kbStatus = await statusOf(async () => {
      const got = (await clients.bedrockAgent.send(new bedrockAgentSdk.GetKnowledgeBaseCommand({ knowledgeBaseId }))).knowledgeBase;
      kbArn = got?.knowledgeBaseArn;
      return got?.status;
    });
    const resourceArn = kbArn;
    const tags = resourceArn ? await tagsOf(async () => (await clients.bedrockAgent.send(new bedrockAgentSdk.ListTagsForResourceCommand({ resourceArn }))).tags) : undefined;
    out.push({ kind: 'knowledge base', id: knowledgeBaseId, status: kbStatus, ...who, ...(tags ? { tags } : {}) });
    const dataSourceId = kb.dataSourceId;
    if (dataSourceId) {
      out.push({ kind: 'data source', id: dataSourceId, status: await statusOf(async () => (await clients.bedrockAgent.send(new bedrockAgentSdk.GetDataSourceCommand({ knowledgeBaseId, dataSourceId }))).dataSource?.status), ...who });
    }
  }
  out.push(...(await listSageMakerResources(clients, state, catalog)));
  return out;
}

/** Ignores "already gone", so a cleanup interrupted half way can simply be run again. */
async function deleteIfPresent(del: () => Promise<unknown>): Promise<boolean> {
  try {
    await del();
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return false;
    throw err;
  }
}

/**
 * Deletes provisioned throughput, deployments, data sources and Knowledge Bases ftrag recorded, saving the state after
 * each (a resume then re-creates rather than uses a deleted resource). Idempotent.
 */
export async function cleanupCreatedResources(
  clients: AwsClients,
  state: ProvisionState,
  save: () => Promise<void>,
  log: (line: string) => void,
  opts: { models?: boolean } = {},
): Promise<string[]> {
  const deleted: string[] = [];
  for (const m of Object.values(state.models)) {
    if (!m.servingArn) continue;
    const arn = m.servingArn;
    const gone =
      m.servingType === 'provisioned'
        ? await deleteIfPresent(() => clients.bedrock.send(new bedrockSdk.DeleteProvisionedModelThroughputCommand({ provisionedModelId: arn })))
        : await deleteIfPresent(() => clients.bedrock.send(new bedrockSdk.DeleteCustomModelDeploymentCommand({ customModelDeploymentIdentifier: arn })));
    if (gone) deleted.push(`${m.servingType === 'provisioned' ? 'provisioned throughput' : 'custom model deployment'} ${arn}`);
    delete m.servingArn;
    delete m.servingType;
    await save();
  }
  if (opts.models) {
    // After their serving is gone (Bedrock refuses to delete a model in use). The record goes too: a later run retrains.
    for (const [key, m] of Object.entries(state.models)) {
      if (!m.customModelArn) continue;
      const arn = m.customModelArn;
      if (await deleteIfPresent(() => clients.bedrock.send(new bedrockSdk.DeleteCustomModelCommand({ modelIdentifier: arn })))) deleted.push(`custom model ${arn}`);
      delete state.models[key];
      await save();
    }
  }
  for (const [key, kb] of Object.entries(state.knowledgeBases)) {
    const { knowledgeBaseId, dataSourceId } = kb;
    if (dataSourceId && (await deleteIfPresent(() => clients.bedrockAgent.send(new bedrockAgentSdk.DeleteDataSourceCommand({ knowledgeBaseId, dataSourceId }))))) deleted.push(`data source ${dataSourceId}`);
    if (await deleteIfPresent(() => clients.bedrockAgent.send(new bedrockAgentSdk.DeleteKnowledgeBaseCommand({ knowledgeBaseId })))) deleted.push(`knowledge base ${knowledgeBaseId}`);
    delete state.knowledgeBases[key];
    await save();
  }
  deleted.push(...(await cleanupSageMakerResources(clients, state, save)));
  for (const d of deleted) log(`deleted ${d}`);
  return deleted;
}
