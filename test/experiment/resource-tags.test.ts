import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DeleteCustomModelCommand, ListCustomModelsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-bedrock';
import { GetKnowledgeBaseCommand, ListTagsForResourceCommand as ListAgentTags } from '@aws-sdk/client-bedrock-agent';
import type { InitializeMiddleware, MetadataBearer } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, resolveConfigPath } from '../../src/config/load.js';
import { loadCatalog } from '../../src/cost/index.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { provisionSystems } from '../../src/experiment/provision.js';
import { cleanupCreatedResources, listCreatedResources } from '../../src/experiment/resources.js';
import { renderResources } from '../../src/experiment/resources-command.js';
import type { ProvisionState } from '../../src/experiment/state.js';
import { createAwsClients, type AwsClients } from '../../src/targets/clients.js';

const CATALOG_FILE = resolve(import.meta.dirname, '../../prices/bedrock-catalog.json');
const catalogEntry = (modelId: string, unit: string): number => {
  const entries = (JSON.parse(readFileSync(CATALOG_FILE, 'utf8')) as { entries: { modelId: string; unit: string; price: number; region: string }[] }).entries;
  const hit = entries.find((e) => e.modelId === modelId && e.unit === unit && e.region === 'us-east-1');
  if (!hit) throw new Error(`no ${unit} for ${modelId} in the catalog`);
  return hit.price;
};

/** A config with every kind of resource ftrag creates: a job + custom model served by PT, one by a deployment, a KB. */
function writeExperiment(dir: string): string {
  const words = ['amber', 'basalt', 'cobalt', 'dune', 'ember', 'fjord', 'garnet', 'harbor'];
  const titan = words.flatMap((w, i) => [0, 1, 2, 3, 4].map((j) => JSON.stringify({ prompt: `What is the code of the ${w} unit ${j}?`, completion: `${w.toUpperCase()}-${i}${j}` })));
  writeFileSync(join(dir, 'titan.jsonl'), `${titan.join('\n')}\n`);
  const nova = words.map((w, i) =>
    JSON.stringify({
      schemaVersion: 'bedrock-conversation-2024',
      system: [{ text: 'You answer with codes.' }],
      messages: [
        { role: 'user', content: [{ text: `Which code does the ${w} unit carry?` }] },
        { role: 'assistant', content: [{ text: `${w.toUpperCase()}-${i}` }] },
      ],
    }),
  );
  writeFileSync(join(dir, 'nova.jsonl'), `${nova.join('\n')}\n`);
  mkdirSync(join(dir, 'kb'));
  for (const w of words.slice(0, 3)) writeFileSync(join(dir, 'kb', `${w}.md`), `# The ${w} unit\n\nThe ${w} unit carries the code ${w.toUpperCase()}-7 and weighs 3 kg.\n`);
  writeFileSync(join(dir, 'eval.jsonl'), `${JSON.stringify({ id: 'q1', prompt: 'Which code does the amber unit carry?', reference: 'AMBER-0' })}\n`);
  const config = {
    name: 'tag check, 2026 (v2)', // characters outside Bedrock's tag pattern: the tag value must still be valid
    endpoint: 'emulator',
    region: 'us-east-1',
    evalSet: 'eval.jsonl',
    systems: [
      {
        id: 'pt-tuned',
        kind: 'fine-tuned',
        pricingModelId: 'amazon.titan-text-express-v1',
        training: { baseModelId: 'amazon.titan-text-express-v1:0:8k', trainingData: 'titan.jsonl', hyperParameters: { epochCount: 1 } },
        serving: { type: 'provisioned', modelUnits: 1, commitment: 'none' },
      },
      {
        id: 'od-tuned',
        kind: 'fine-tuned',
        pricingModelId: 'amazon.nova-micro-v1:0',
        training: { baseModelId: 'amazon.nova-micro-v1:0:128k', trainingData: 'nova.jsonl', hyperParameters: { epochCount: 1 } },
        serving: { type: 'on-demand' },
      },
      { id: 'rag', kind: 'rag', modelId: 'amazon.nova-micro-v1:0', knowledgeBase: { documents: 'kb', mode: 'retrieve-then-converse' } },
    ],
  };
  const file = join(dir, 'ftrag.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

interface ProvisionedWorld {
  emu: RunningEmulator;
  clients: AwsClients;
  /** Every control-plane command as the SDK was asked to send it, in order. */
  calls: { command: string; input: Record<string, unknown> }[];
  state: ProvisionState;
  close(): Promise<void>;
}

/** A private emulator with every resource of writeExperiment's config provisioned, as `ftrag run` would. */
async function provisionedWorld(): Promise<ProvisionedWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'ftrag-tags-'));
  const file = writeExperiment(dir);
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emulator-data'), quiet: true, latencyProfile: 'none', provisioningDelayMs: 20 });
  const clients = createAwsClients({ region: 'us-east-1', endpointUrl: emu.url });
  const calls: ProvisionedWorld['calls'] = [];
  const state: ProvisionState = { models: {}, knowledgeBases: {} };
  const record: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
    calls.push({ command: context.commandName ?? '?', input: args.input as Record<string, unknown> });
    return next(args);
  };
  clients.bedrock.middlewareStack.add(record, { step: 'initialize', name: 'recordCommands' });
  clients.bedrockAgent.middlewareStack.add(record, { step: 'initialize', name: 'recordCommands' });
  const loaded = await loadConfig(file, {});
  await provisionSystems(loaded.config, {
    clients,
    emulated: true,
    state,
    saveState: async () => undefined,
    runId: '20261202-004500-ab12',
    experiment: loaded.config.name,
    resolvePath: (p) => resolveConfigPath(p, loaded.baseDir),
    pollMs: 20,
    log: () => undefined,
  });
  return {
    emu,
    clients,
    calls,
    state,
    close: async () => {
      clients.destroy();
      await emu.close();
    },
  };
}

const expectedFor = (system: string) => [
  { key: 'ftrag:managed', value: 'true' },
  { key: 'ftrag:run-id', value: '20261202-004500-ab12' },
  { key: 'ftrag:experiment', value: 'tag check- 2026 -v2-' },
  { key: 'ftrag:system', value: system },
];

// These tests only read the world; the cleanup test below deletes resources, so it has a world of its own (sharing
// this one made the listing test fail whenever a shuffled order ran the cleanup first).
describe('AWS tags on every resource ftrag creates', () => {
  let world: ProvisionedWorld | undefined;
  let clients: AwsClients;
  let calls: ProvisionedWorld['calls'];
  let state: ProvisionState;

  beforeAll(async () => {
    world = await provisionedWorld();
    ({ clients, calls, state } = world);
  }, 300_000);

  afterAll(async () => {
    await world?.close();
  });

  it('every Create call carries ftrag:managed, the run id, the experiment name and the system (CreateDataSource takes none)', () => {
    const creates = calls.filter((c) => c.command.startsWith('Create'));
    expect(creates.map((c) => c.command).sort()).toEqual([
      'CreateCustomModelDeploymentCommand',
      'CreateDataSourceCommand',
      'CreateKnowledgeBaseCommand',
      'CreateModelCustomizationJobCommand',
      'CreateModelCustomizationJobCommand',
      'CreateProvisionedModelThroughputCommand',
    ]);
    for (const c of creates) {
      if (c.command === 'CreateModelCustomizationJobCommand') {
        const system = String(c.input.jobName).includes('pt-tuned') ? 'pt-tuned' : 'od-tuned';
        expect(c.input.jobTags, c.command).toEqual(expectedFor(system));
        expect(c.input.customModelTags, c.command).toEqual(expectedFor(system));
      } else if (c.command === 'CreateProvisionedModelThroughputCommand') {
        expect(c.input.tags).toEqual(expectedFor('pt-tuned'));
      } else if (c.command === 'CreateCustomModelDeploymentCommand') {
        expect(c.input.tags).toEqual(expectedFor('od-tuned'));
      } else if (c.command === 'CreateKnowledgeBaseCommand') {
        expect(c.input.tags).toEqual(Object.fromEntries(expectedFor('rag').map((t) => [t.key, t.value])));
      } else {
        expect(c.command).toBe('CreateDataSourceCommand');
        expect(c.input.tags).toBeUndefined();
      }
    }
  });

  it('the service holds them: ListTagsForResource on each job, custom model, serving resource and Knowledge Base', async () => {
    const models = Object.values(state.models);
    expect(models).toHaveLength(2);
    for (const m of models) {
      for (const arn of [m.jobArn, m.customModelArn!, m.servingArn!]) {
        const tags = (await clients.bedrock.send(new ListTagsForResourceCommand({ resourceARN: arn }))).tags;
        expect(tags, arn).toEqual(expectedFor(m.systemId!));
      }
    }
    const [kb] = Object.values(state.knowledgeBases);
    const kbArn = (await clients.bedrockAgent.send(new GetKnowledgeBaseCommand({ knowledgeBaseId: kb.knowledgeBaseId }))).knowledgeBase!.knowledgeBaseArn!;
    expect((await clients.bedrockAgent.send(new ListAgentTags({ resourceArn: kbArn }))).tags).toMatchObject({ 'ftrag:managed': 'true', 'ftrag:system': 'rag' });
  });

  it('ftrag resources shows the tags, the PT hourly cost and each custom model storage cost per month, as the catalog prices them', async () => {
    const rows = await listCreatedResources(clients, state, await loadCatalog());
    const pt = rows.find((r) => r.kind === 'provisioned throughput')!;
    expect(pt.status).toBe('InService');
    expect(pt.hourlyUsd).toBe(1 * catalogEntry('amazon.titan-text-express-v1', 'pt-mu-hour-none'));
    const models = rows.filter((r) => r.kind === 'custom model');
    expect(models.map((m) => m.system).sort()).toEqual(['od-tuned', 'pt-tuned']);
    expect(models.find((m) => m.system === 'pt-tuned')!.monthlyUsd).toBe(catalogEntry('amazon.titan-text-express-v1', 'storage-model-month'));
    expect(models.find((m) => m.system === 'od-tuned')!.monthlyUsd).toBe(catalogEntry('amazon.nova-micro-v1:0', 'storage-model-month'));
    expect(rows.find((r) => r.kind === 'custom model deployment')!.hourlyUsd).toBeUndefined();
    for (const r of rows.filter((x) => x.kind !== 'data source')) expect(r.tags?.['ftrag:managed'], r.kind).toBe('true');

    const text = renderResources(rows);
    expect(text).toContain(`$${pt.hourlyUsd!.toFixed(2)}/h`);
    expect(text).toContain(`$${catalogEntry('amazon.nova-micro-v1:0', 'storage-model-month').toFixed(2)}/month`);
    expect(text).toContain('ftrag:run-id=20261202-004500-ab12');
  });
});

describe('ftrag cleanup --models', () => {
  let world: ProvisionedWorld | undefined;

  beforeAll(async () => {
    world = await provisionedWorld();
  }, 300_000);

  afterAll(async () => {
    await world?.close();
  });

  it('a custom model in use cannot be deleted (ConflictException); cleanup --models deletes serving first, then the models and their tags', async () => {
    const { clients, state } = world!;
    const pt = Object.values(state.models).find((m) => m.servingType === 'provisioned')!;
    await expect(clients.bedrock.send(new DeleteCustomModelCommand({ modelIdentifier: pt.customModelArn }))).rejects.toMatchObject({ name: 'ConflictException', $metadata: { httpStatusCode: 400 } });
    const arns = Object.values(state.models).map((m) => m.customModelArn!);
    const deleted = await cleanupCreatedResources(clients, state, async () => undefined, () => undefined, { models: true });
    expect(deleted.filter((d) => /^custom model arn:/.test(d)).sort()).toEqual(arns.map((a) => `custom model ${a}`).sort());
    expect(((await clients.bedrock.send(new ListCustomModelsCommand({}))).modelSummaries ?? []).length).toBe(0);
    for (const arn of arns) await expect(clients.bedrock.send(new ListTagsForResourceCommand({ resourceARN: arn }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(state).toEqual({ models: {}, knowledgeBases: {} });
  });
});
