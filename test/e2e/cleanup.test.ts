import { join } from 'node:path';
import { ListCustomModelDeploymentsCommand, ListCustomModelsCommand, ListProvisionedModelThroughputsCommand } from '@aws-sdk/client-bedrock';
import { ListDataSourcesCommand, ListKnowledgeBasesCommand } from '@aws-sdk/client-bedrock-agent';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { createAwsClients } from '../../src/targets/clients.js';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

/** Everything the emulator in this data dir still holds, through the real SDK's list calls. */
async function leftOn(dataDir: string) {
  const emu = await startEmulator({ port: 0, dataDir, quiet: true, latencyProfile: 'none' });
  const clients = createAwsClients({ region: 'us-east-1', endpointUrl: emu.url });
  try {
    const deployments = (await clients.bedrock.send(new ListCustomModelDeploymentsCommand({}))).modelDeploymentSummaries ?? [];
    const provisioned = (await clients.bedrock.send(new ListProvisionedModelThroughputsCommand({}))).provisionedModelSummaries ?? [];
    const kbs = (await clients.bedrockAgent.send(new ListKnowledgeBasesCommand({}))).knowledgeBaseSummaries ?? [];
    let dataSources = 0;
    for (const kb of kbs) dataSources += ((await clients.bedrockAgent.send(new ListDataSourcesCommand({ knowledgeBaseId: kb.knowledgeBaseId! }))).dataSourceSummaries ?? []).length;
    const customModels = ((await clients.bedrock.send(new ListCustomModelsCommand({}))).modelSummaries ?? []).length;
    return { deployments: deployments.length, provisioned: provisioned.length, kbs: kbs.length, dataSources, customModels };
  } finally {
    clients.destroy();
    await emu.close();
  }
}

describe('ftrag resources and ftrag cleanup', () => {
  it('after a demo run, resources lists what was created and cleanup --yes leaves the emulator with none of it (idempotent)', async () => {
    const dir = tempDir('ftrag-cleanup-');
    const config = writeDemoConfig(dir);
    const run = await runCli(['run', '--config', config, '--limit', '3'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const before = await leftOn(join(dir, 'emulator-data'));
    expect(before.deployments).toBe(1);
    expect(before.kbs).toBeGreaterThan(0);

    const listed = await runCli(['resources', '--config', config, '--json'], { cwd: dir });
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as { kind: string; status: string; system?: string; runId?: string; tags?: Record<string, string> }[];
    expect(rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['custom model', 'custom model deployment', 'knowledge base', 'data source']));
    expect(rows.find((r) => r.kind === 'custom model deployment')).toMatchObject({ system: 'fine-tuned', status: 'Active' });
    expect(rows.every((r) => typeof r.runId === 'string')).toBe(true);
    // Every resource but the data source (CreateDataSource takes no tags) carries ftrag's tags, read back from the service.
    for (const r of rows.filter((x) => x.kind !== 'data source')) expect(r.tags, r.kind).toMatchObject({ 'ftrag:managed': 'true', 'ftrag:experiment': 'e2e-demo', 'ftrag:run-id': r.runId });

    const refused = await runCli(['cleanup', '--config', config], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pass --yes/);
    expect((await leftOn(join(dir, 'emulator-data'))).deployments).toBe(1);

    const cleaned = await runCli(['cleanup', '--config', config, '--yes'], { cwd: dir });
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(await leftOn(join(dir, 'emulator-data'))).toMatchObject({ deployments: 0, provisioned: 0, kbs: 0, dataSources: 0 });
    const again = await runCli(['cleanup', '--config', config, '--yes'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/nothing to delete/);
    const after = JSON.parse((await runCli(['resources', '--config', config, '--json'], { cwd: dir })).stdout) as { kind: string }[];
    expect(after.map((r) => r.kind)).toEqual(['custom model']);
    // --models deletes the custom models too (they bill storage monthly): then nothing ftrag created is left.
    expect((await leftOn(join(dir, 'emulator-data'))).customModels).toBe(1);
    const models = await runCli(['cleanup', '--config', config, '--yes', '--models'], { cwd: dir });
    expect(models.code, models.stderr).toBe(0);
    expect(models.stderr).toMatch(/deleted custom model arn:aws:bedrock:/);
    expect(await leftOn(join(dir, 'emulator-data'))).toEqual({ deployments: 0, provisioned: 0, kbs: 0, dataSources: 0, customModels: 0 });
    expect(JSON.parse((await runCli(['resources', '--config', config, '--json'], { cwd: dir })).stdout)).toEqual([]);
  }, 300_000);

  it('cleanup: after-run deletes them at the end of the run, after the reports are written', async () => {
    const dir = tempDir('ftrag-cleanup-');
    const config = writeDemoConfig(dir, (c) => (c.cleanup = 'after-run'));
    const run = await runCli(['run', '--config', config, '--limit', '3', '--out', join(dir, 'out')], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/deleted custom model deployment/);
    expect(await leftOn(join(dir, 'emulator-data'))).toMatchObject({ deployments: 0, provisioned: 0, kbs: 0, dataSources: 0 });
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dir, 'out', 'run.json'))).toBe(true);
  }, 300_000);
});
