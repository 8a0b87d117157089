import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetModelCustomizationJobCommand, GetProvisionedModelThroughputCommand, ListModelCustomizationJobsCommand } from '@aws-sdk/client-bedrock';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { createAwsClients } from '../../src/targets/clients.js';
import { exitCodeOf } from '../../src/util/errors.js';
import { runExperiment } from '../../src/experiment/experiment.js';
import { readRunResult } from '../../src/schema/read.js';
import { DEMO, startTestEmulator, tempDir, train, writeTrainConfig } from './helpers.js';

async function exitCodeOfTrain(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
    return { code: 0, message: '' };
  } catch (err) {
    return { code: exitCodeOf(err), message: (err as Error).message };
  }
}

describe('ftrag train against the emulator through the SDK', () => {
  let emu: RunningEmulator;
  let dir: string;
  let clients: ReturnType<typeof createAwsClients>;

  beforeAll(async () => {
    dir = tempDir();
    emu = await startTestEmulator(dir);
    clients = createAwsClients({ region: 'us-east-1', endpointUrl: emu.url });
  });
  afterAll(async () => {
    clients.destroy();
    await emu.close();
  });

  it('trains, prints progress with the losses, writes the metric CSVs and the record, and ftrag run then reuses the model', async () => {
    const cwd = tempDir();
    const config = writeTrainConfig(cwd, emu.url);
    const { outcome, captured } = await train(cwd, { config });
    expect(outcome.exitCode).toBe(0);
    const progress = captured.progress.join('');
    expect(progress).toMatch(/status InProgress/);
    expect(progress).toMatch(/status Completed\s+training loss \d+\.\d{4}\s+validation loss \d+\.\d{4}/);

    const recordFile = join(cwd, '.ftrag', 'trained', 'fine-tuned.json');
    expect(outcome.recordFile).toBe(recordFile);
    const record = JSON.parse(readFileSync(recordFile, 'utf8'));
    expect(record).toMatchObject({ systemId: 'fine-tuned', servingType: 'on-demand', epochs: 3 });
    expect(record.modelId).toMatch(/custom-model-deployment\//);
    expect(record.customModelArn).toMatch(/custom-model\//);
    expect(record.trainedTokens).toBeGreaterThan(1000);
    // The curve: one point per step, over all three epochs, and it comes down.
    expect(new Set(record.trainingLoss.map((p: { epoch: number }) => p.epoch))).toEqual(new Set([1, 2, 3]));
    expect(record.trainingLoss.at(-1).loss).toBeLessThan(record.trainingLoss[0].loss);
    expect(record.validationLoss.length).toBe(3);
    for (const f of ['fine-tuned.training-metrics.csv', 'fine-tuned.validation-metrics.csv']) {
      expect(readFileSync(join(cwd, '.ftrag', 'trained', f), 'utf8')).toMatch(/^step_number,epoch_number,(training|validation)_loss,perplexity\n/);
    }
    expect(captured.printed.join('\n')).toContain(record.modelId);

    const state = JSON.parse(readFileSync(join(cwd, '.ftrag', 'state.json'), 'utf8'));
    expect(Object.values(state)[0]).toMatchObject({ models: { [record.stateKey]: { jobArn: record.jobArn, servingArn: record.modelId } } });

    const jobsBefore = (await clients.bedrock.send(new ListModelCustomizationJobsCommand({}))).modelCustomizationJobSummaries!.length;
    const logs: string[] = [];
    const run = await runExperiment({ config, cwd, out: join(cwd, 'run'), limit: 12, cache: true, progress: 'none', log: (l) => logs.push(l) });
    expect(run.exitCode, logs.join('\n')).toBe(0);
    const result = await readRunResult(run.runJsonPath);
    const ft = result.systems.find((s) => s.id === 'fine-tuned')!;
    expect(ft.modelId).toBe(record.modelId);
    expect(ft.training).toMatchObject({ reused: true, jobArn: record.jobArn });
    expect((await clients.bedrock.send(new ListModelCustomizationJobsCommand({}))).modelCustomizationJobSummaries!.length).toBe(jobsBefore);
  });

  it('refuses hyperparameters outside the family range before starting a job (exit 2)', async () => {
    const cwd = tempDir();
    const config = writeTrainConfig(cwd, emu.url, (c) => (c.systems[1].training.hyperParameters.epochCount = 12));
    const jobsBefore = (await clients.bedrock.send(new ListModelCustomizationJobsCommand({}))).modelCustomizationJobSummaries!.length;
    const r = await exitCodeOfTrain(train(cwd, { config }));
    expect(r.code).toBe(2);
    expect(r.message).toContain('epochCount 12 is outside 1-5 for amazon.nova-micro');
    const unknown = writeTrainConfig(cwd, emu.url, (c) => (c.systems[1].training.hyperParameters = { batchSize: 4 }), 'unknown.yaml');
    const u = await exitCodeOfTrain(train(cwd, { config: unknown }));
    expect(u.code).toBe(2);
    expect(u.message).toMatch(/batchSize is not a hyperparameter of amazon.nova-micro/);
    expect((await clients.bedrock.send(new ListModelCustomizationJobsCommand({}))).modelCustomizationJobSummaries!.length).toBe(jobsBefore);
  });

  it('refuses bad training data with exit 2, listing the lines, before uploading anything', async () => {
    const cwd = tempDir();
    const lines = readFileSync(join(DEMO, 'training.jsonl'), 'utf8').trim().split('\n');
    lines[4] = '{"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user"}]}';
    lines[9] = 'not json';
    const bad = join(cwd, 'bad.jsonl');
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const config = writeTrainConfig(cwd, emu.url, (c) => (c.systems[1].training.trainingData = bad));
    const r = await exitCodeOfTrain(train(cwd, { config }));
    expect(r.code).toBe(2);
    expect(r.message).toMatch(/line 5/);
    expect(r.message).toMatch(/line 10/);
    expect(existsSync(join(cwd, '.ftrag', 'state.json'))).toBe(false);
  });

  it('--no-wait prints the job ARN; --attach waits for it, deploys and records it', async () => {
    const cwd = tempDir();
    const config = writeTrainConfig(cwd, emu.url);
    const started = await train(cwd, { config, wait: false });
    expect(started.outcome.exitCode).toBe(0);
    const jobArn = started.captured.printed[0];
    expect(jobArn).toMatch(/^arn:aws:bedrock:us-east-1:\d{12}:model-customization-job\//);
    expect(existsSync(join(cwd, '.ftrag', 'trained', 'fine-tuned.json'))).toBe(false);

    const attached = await train(cwd, { config, attach: jobArn, out: 'out/ft.json' });
    expect(attached.outcome.exitCode).toBe(0);
    const record = JSON.parse(readFileSync(join(cwd, 'out', 'ft.json'), 'utf8'));
    expect(record.jobArn).toBe(jobArn);
    expect(record.stateKey).toMatch(/^[0-9a-f]{16}$/);
    expect(existsSync(join(cwd, 'out', 'ft.training-metrics.csv'))).toBe(true);
  });

  it('--stop stops a running job; attaching to it then exits 3 with the job status', async () => {
    const cwd = tempDir();
    // An emulator that holds jobs at training InProgress: the job is running when the stop arrives by construction.
    const held = await startTestEmulator(cwd, { holdCustomizationJobs: true });
    const heldClients = createAwsClients({ region: 'us-east-1', endpointUrl: held.url });
    try {
      const config = writeTrainConfig(cwd, held.url);
      const started = await train(cwd, { config, wait: false });
      const jobArn = started.captured.printed[0];
      expect((await heldClients.bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier: jobArn }))).status).toBe('InProgress');
      const stopped = await train(cwd, { config, stop: jobArn });
      expect(stopped.outcome.exitCode).toBe(0);
      const attached = await exitCodeOfTrain(train(cwd, { config, attach: jobArn }));
      expect(attached.code).toBe(3);
      expect(attached.message).toMatch(/ended Stopped/);
      const job = await heldClients.bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier: jobArn }));
      expect(job.status).toBe('Stopped');
      // Stopping a job that is no longer running is bad input, not a service failure.
      expect((await exitCodeOfTrain(train(cwd, { config, stop: jobArn }))).code).toBe(2);
    } finally {
      heldClients.destroy();
      await held.close();
    }
  });

  it('serves by provisioned throughput when the config asks, and --delete-provisioned deletes it and forgets it', async () => {
    const cwd = tempDir();
    const config = writeTrainConfig(cwd, emu.url, (c) => (c.systems[1].serving = { type: 'provisioned', modelUnits: 1, commitment: 'none' }));
    const { outcome, captured } = await train(cwd, { config });
    expect(outcome.exitCode).toBe(0);
    const arn = outcome.record!.modelId;
    expect(outcome.record!.servingType).toBe('provisioned');
    expect(arn).toMatch(/provisioned-model\//);
    expect((await clients.bedrock.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: arn }))).status).toBe('InService');
    expect(captured.log.join('\n')).toMatch(/bills by the hour/);

    const del = await train(cwd, { config, deleteProvisioned: arn });
    expect(del.outcome.exitCode).toBe(0);
    await expect(clients.bedrock.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: arn }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const state = JSON.parse(readFileSync(join(cwd, '.ftrag', 'state.json'), 'utf8'));
    expect(JSON.stringify(state)).not.toContain(arn);
  });

  it('refuses on-demand serving for a family without custom on-demand deployment (exit 2)', async () => {
    const cwd = tempDir();
    const config = writeTrainConfig(cwd, emu.url, (c) => {
      c.systems[1].training.baseModelId = 'meta.llama3-1-8b-instruct-v1:0:128k';
      c.systems[1].training.hyperParameters = { epochCount: 2 };
    });
    const r = await exitCodeOfTrain(train(cwd, { config }));
    expect(r.code).toBe(2);
    expect(r.message).toMatch(/serving.*provisioned/);
  });
});
