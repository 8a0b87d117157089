import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfigPath } from '../../src/config/load.js';
import { knowledgeBaseKey } from '../../src/experiment/ensure-kb.js';
import { planRun } from '../../src/experiment/plan.js';
import type { ProvisionState } from '../../src/experiment/state.js';
import { prepareTraining } from '../../src/experiment/train-model.js';

const CATALOG = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../prices/bedrock-catalog.json'), 'utf8')) as { entries: { modelId: string; unit: string; price: number }[] };
const price = (modelId: string, unit: string) => CATALOG.entries.find((e) => e.modelId === modelId && e.unit === unit)!.price;

/** 20,000 eval items, a Titan Express training file, a KB folder; the config is patched per case. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ftrag-plan-state-'));
  writeFileSync(join(dir, 'eval.jsonl'), `${Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ id: `q${i}`, prompt: `question ${i}?`, reference: `answer ${i}` })).join('\n')}\n`);
  writeFileSync(join(dir, 'titan.jsonl'), `${Array.from({ length: 40 }, (_, i) => JSON.stringify({ prompt: `What is code ${i}?`, completion: `C-${i}` })).join('\n')}\n`);
  mkdirSync(join(dir, 'kb'));
  writeFileSync(join(dir, 'kb', 'a.md'), '# A\n\nThe A unit weighs 3 kg and carries code A-1.\n');
  return dir;
}

function writeConfig(dir: string, config: Record<string, unknown>): string {
  const file = join(dir, `ftrag-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ name: 'plan-state', region: 'us-east-1', evalSet: 'eval.jsonl', ...config }));
  return file;
}

const ptSystem = (concurrency: number) => ({
  id: 'pt-tuned',
  kind: 'fine-tuned',
  pricingModelId: 'amazon.titan-text-express-v1',
  concurrency,
  training: {
    baseModelId: 'amazon.titan-text-express-v1:0:8k',
    trainingData: 'titan.jsonl',
    hyperParameters: { epochCount: 1 },
    roleArn: 'arn:aws:iam::123456789012:role/ftrag-training',
    dataS3Uri: 's3://my-bucket/ftrag/',
  },
  serving: { type: 'provisioned', modelUnits: 1, commitment: 'none' },
});
const ragSystem = (id: string, modelId: string) => ({ id, kind: 'rag', modelId, knowledgeBase: { documents: 'kb', mode: 'retrieve-and-generate' } });

describe('plan: provisioned throughput hours and what the provisioning state already holds', () => {
  it("prices PT for the run's expected duration: each system's calls at its concurrency, systems side by side", async () => {
    const dir = workspace();
    const ptHours = async (ptConcurrency: number) => {
      const loaded = await loadConfig(writeConfig(dir, { endpoint: 'emulator', runner: { concurrency: 8 }, systems: [ptSystem(ptConcurrency), ragSystem('rag', 'amazon.nova-micro-v1:0')] }), {});
      const plan = await planRun(loaded, {});
      return plan.cost.find((c) => c.item === 'pt-tuned: provisioned throughput for the run')!;
    };
    const hourly = price('amazon.titan-text-express-v1', 'pt-mu-hour-none');
    // PT system: 20,000 calls x 2 s / 4 = 10,000 s -> 3 h (the RAG system: 20,000 x 2 s / 8 = 5,000 s).
    expect(await ptHours(4)).toMatchObject({ usd: 3 * hourly, basis: `1 MU x ${hourly}/h x 3 h` });
    // PT system at 16: 2,500 s, but the run lasts as long as the RAG system: 5,000 s -> 2 h.
    expect(await ptHours(16)).toMatchObject({ usd: 2 * hourly });
  });

  it('two systems on one documents folder build and pay for one Knowledge Base; a ready one recorded in the state is reused and not priced', async () => {
    const dir = workspace();
    const loaded = await loadConfig(writeConfig(dir, { endpoint: 'emulator', systems: [ragSystem('rag', 'amazon.nova-micro-v1:0'), ragSystem('rag-lite', 'amazon.nova-lite-v1:0')] }), {});
    const fresh = await planRun(loaded, {});
    expect(fresh.cost.filter((c) => c.item.endsWith('ingestion (embeddings)'))).toHaveLength(1);
    expect(fresh.resources.filter((r) => r.resource.includes('knowledge base')).map((r) => r.action)).toEqual(['create', 'reuse']);

    const { key } = await knowledgeBaseKey(loaded.config.systems[0], (p) => resolveConfigPath(p, loaded.baseDir));
    const state: ProvisionState = { models: {}, knowledgeBases: { [key]: { knowledgeBaseId: 'KBREADY001', dataSourceId: 'DS01', ingestionJobId: 'IJ01', ready: true } } };
    const resumed = await planRun(loaded, { state });
    expect(resumed.cost.filter((c) => c.item.endsWith('ingestion (embeddings)'))).toHaveLength(0);
    expect(resumed.resources.find((r) => r.system === 'rag')).toMatchObject({ action: 'reuse', detail: expect.stringContaining('KBREADY001') });
    // Half-built (killed during ingestion): it is resumed, so the ingestion is still to pay.
    state.knowledgeBases[key].ready = false;
    const half = await planRun(loaded, { state });
    expect(half.resources.find((r) => r.system === 'rag')).toMatchObject({ action: 'create', detail: expect.stringContaining('resumes KBREADY001') });
    expect(half.cost.filter((c) => c.item.endsWith('ingestion (embeddings)'))).toHaveLength(1);
  });

  it('on AWS a recorded job is attached to (no training cost), a recorded model and PT are reused; only then is the run not billable', async () => {
    const dir = workspace();
    const loaded = await loadConfig(writeConfig(dir, { endpoint: 'aws', systems: [ptSystem(8)] }), {});
    const resolvePath = (p: string) => resolveConfigPath(p, loaded.baseDir);
    const { key } = await prepareTraining(loaded.config.systems[0], { resolvePath });
    const actions = (plan: Awaited<ReturnType<typeof planRun>>) => plan.resources.map((r) => `${r.resource}:${r.action}`);

    const fresh = await planRun(loaded, { state: { models: {}, knowledgeBases: {} } });
    expect(fresh.billable).toBe(true);
    expect(fresh.cost.map((c) => c.item)).toEqual(expect.arrayContaining(['pt-tuned: training', 'pt-tuned: custom model storage (first month)']));

    const jobArn = 'arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.titan-text-express-v1:0:8k/abcdefabcdef';
    const afterKill = await planRun(loaded, { state: { models: { [key]: { jobArn } }, knowledgeBases: {} } });
    expect(actions(afterKill)).toEqual(['S3 upload:reuse', 'model customization job:reuse', 'custom model:create', 'provisioned throughput:create']);
    expect(afterKill.cost.map((c) => c.item)).not.toContain('pt-tuned: training');
    expect(afterKill.billable).toBe(true); // the PT is still to be created

    const customModelArn = 'arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.titan-text-express-v1:0:8k/abcdefabcdef';
    const servingArn = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefabcdef';
    const all = await planRun(loaded, { state: { models: { [key]: { jobArn, customModelArn, servingArn, servingType: 'provisioned' } }, knowledgeBases: {} } });
    expect(actions(all).every((a) => a.endsWith(':reuse'))).toBe(true);
    expect(all.billable).toBe(false);
    // The reused PT still bills while the run uses it: it stays in this run's estimate.
    expect(all.cost.map((c) => c.item)).toEqual(['pt-tuned: provisioned throughput for the run']);
    // A recorded on-demand deployment does not count as the PT this config asks for.
    const other = await planRun(loaded, { state: { models: { [key]: { jobArn, customModelArn, servingArn, servingType: 'on-demand' } }, knowledgeBases: {} } });
    expect(other.billable).toBe(true);
  });
});
