import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateCustomModelDeploymentCommand,
  CreateModelCustomizationJobCommand,
  CreateProvisionedModelThroughputCommand,
  DeleteProvisionedModelThroughputCommand,
  GetCustomModelCommand,
  GetCustomModelDeploymentCommand,
  GetFoundationModelCommand,
  GetModelCustomizationJobCommand,
  GetProvisionedModelThroughputCommand,
  ListCustomModelsCommand,
  ListFoundationModelsCommand,
  ListModelCustomizationJobsCommand,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import type { GetModelCustomizationJobCommandOutput } from '@aws-sdk/client-bedrock';
import { ConverseCommand, ValidationException as RuntimeValidationException } from '@aws-sdk/client-bedrock-runtime';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startHarness, until, userMessage } from './helpers.js';
import type { Harness } from './helpers.js';

const ROLE = 'arn:aws:iam::123456789012:role/BedrockCustomization';
const CITIES = ['Lisbon', 'Oslo', 'Quito', 'Hanoi', 'Perth', 'Accra', 'Lima', 'Riga', 'Turin', 'Cusco', 'Dakar', 'Split'];

/** A style task the base model cannot know: a house format for shipment notices. */
function example(order: number, city: string): string {
  return JSON.stringify({
    schemaVersion: 'bedrock-conversation-2024',
    messages: [
      { role: 'user', content: [{ text: `Write the shipment notice for order ${order} going to ${city}.` }] },
      { role: 'assistant', content: [{ text: `NOTICE // order ${order} going to ${city} // status: dispatched` }] },
    ],
  });
}

const train = Array.from({ length: 40 }, (_, i) => example(1000 + i * 7, CITIES[i % CITIES.length])).join('\n');
const validation = Array.from({ length: 8 }, (_, i) => example(5000 + i * 13, CITIES[(i * 5) % CITIES.length])).join('\n');

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.clients.s3.send(new CreateBucketCommand({ Bucket: 'ft-data' }));
  await h.clients.s3.send(new PutObjectCommand({ Bucket: 'ft-data', Key: 'train.jsonl', Body: train }));
  await h.clients.s3.send(new PutObjectCommand({ Bucket: 'ft-data', Key: 'validation.jsonl', Body: validation }));
  await h.clients.s3.send(new PutObjectCommand({ Bucket: 'ft-data', Key: 'bad.jsonl', Body: `${example(1, 'Oslo')}\n{not json\n{"messages": "nope"}\n` }));
});
afterAll(async () => {
  await h.stop();
});

const waitForJob = (jobIdentifier: string): Promise<GetModelCustomizationJobCommandOutput> =>
  until(
    () => h.clients.bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier })),
    (j) => j.status !== 'InProgress' && j.status !== 'Stopping',
    `job ${jobIdentifier}`,
  );

describe('foundation models', () => {
  it('lists the catalog with filters and honest capability fields', async () => {
    const all = await h.clients.bedrock.send(new ListFoundationModelsCommand({}));
    const ids = all.modelSummaries!.map((m) => m.modelId);
    for (const id of ['amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0', 'amazon.nova-pro-v1:0', 'meta.llama3-1-8b-instruct-v1:0', 'meta.llama3-1-70b-instruct-v1:0', 'anthropic.claude-3-haiku-20240307-v1:0', 'amazon.titan-text-express-v1', 'amazon.titan-embed-text-v2:0']) {
      expect(ids).toContain(id);
    }
    const cpt = await h.clients.bedrock.send(new ListFoundationModelsCommand({ byCustomizationType: 'CONTINUED_PRE_TRAINING' }));
    expect(cpt.modelSummaries!.map((m) => m.modelId)).toEqual(['amazon.titan-text-express-v1']);
    const emb = await h.clients.bedrock.send(new ListFoundationModelsCommand({ byOutputModality: 'EMBEDDING' }));
    expect(emb.modelSummaries!.map((m) => m.modelId)).toEqual(['amazon.titan-embed-text-v2:0']);
    const meta = await h.clients.bedrock.send(new ListFoundationModelsCommand({ byProvider: 'Meta' }));
    expect(meta.modelSummaries).toHaveLength(2);
  });

  it('gets a model by id, ARN or customization id with a context suffix', async () => {
    const byId = await h.clients.bedrock.send(new GetFoundationModelCommand({ modelIdentifier: 'anthropic.claude-3-haiku-20240307-v1:0' }));
    expect(byId.modelDetails?.customizationsSupported).toEqual(['FINE_TUNING']);
    const bySuffix = await h.clients.bedrock.send(new GetFoundationModelCommand({ modelIdentifier: 'amazon.nova-micro-v1:0:128k' }));
    expect(bySuffix.modelDetails?.modelId).toBe('amazon.nova-micro-v1:0');
    const byArn = await h.clients.bedrock.send(new GetFoundationModelCommand({ modelIdentifier: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' }));
    expect(byArn.modelDetails?.modelName).toBe('Nova Pro');
    await expect(h.clients.bedrock.send(new GetFoundationModelCommand({ modelIdentifier: 'acme.nothing-v1' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('model customization', () => {
  const baseRequest = {
    roleArn: ROLE,
    baseModelIdentifier: 'amazon.nova-micro-v1:0:128k',
    trainingDataConfig: { s3Uri: 's3://ft-data/train.jsonl' },
    validationDataConfig: { validators: [{ s3Uri: 's3://ft-data/validation.jsonl' }] },
    outputDataConfig: { s3Uri: 's3://ft-data/output/' },
  };

  it('validates hyperparameters against the family ranges and names the parameter', async () => {
    const send = (hyperParameters: Record<string, string>, base = 'amazon.nova-micro-v1:0:128k') =>
      h.clients.bedrock
        .send(new CreateModelCustomizationJobCommand({ ...baseRequest, baseModelIdentifier: base, jobName: `hp-${Math.random().toString(36).slice(2, 8)}`, customModelName: 'hp-model', hyperParameters }))
        .catch((e) => e);
    const tooMany = await send({ epochCount: '6' });
    expect(tooMany).toBeInstanceOf(ValidationException);
    expect(tooMany.message).toContain('epochCount');
    const lr = await send({ learningRate: '0.5' });
    expect(lr.message).toContain('learningRate');
    const unknown = await send({ learningRateMultiplier: '1' });
    expect(unknown.message).toContain('learningRateMultiplier');
    const haiku = await send({ batchSize: '2' }, 'anthropic.claude-3-haiku-20240307-v1:0:200k');
    expect(haiku.message).toContain('batchSize');
    const notString = await send({ epochCount: 'two' });
    expect(notString).toBeInstanceOf(ValidationException);
  });

  it('rejects missing fields and unsupported customization types', async () => {
    const noOutput = await h.clients.bedrock
      .send(new CreateModelCustomizationJobCommand({ ...baseRequest, outputDataConfig: undefined as never, jobName: 'no-output', customModelName: 'x' }))
      .catch((e) => e);
    expect(noOutput).toBeInstanceOf(ValidationException);
    const cpt = await h.clients.bedrock
      .send(new CreateModelCustomizationJobCommand({ ...baseRequest, customizationType: 'CONTINUED_PRE_TRAINING', jobName: 'cpt', customModelName: 'x' }))
      .catch((e) => e);
    expect(cpt).toBeInstanceOf(ValidationException);
    const badBase = await h.clients.bedrock
      .send(new CreateModelCustomizationJobCommand({ ...baseRequest, baseModelIdentifier: 'amazon.titan-embed-text-v2:0', jobName: 'emb', customModelName: 'x' }))
      .catch((e) => e);
    expect(badBase).toBeInstanceOf(ValidationException);
  });

  it('fails a job with bad data and names the lines', async () => {
    const { jobArn } = await h.clients.bedrock.send(
      new CreateModelCustomizationJobCommand({ ...baseRequest, validationDataConfig: undefined, trainingDataConfig: { s3Uri: 's3://ft-data/bad.jsonl' }, jobName: 'bad-data', customModelName: 'bad-model' }),
    );
    const job = await waitForJob(jobArn!);
    expect(job.status).toBe('Failed');
    expect(job.failureMessage).toMatch(/line 2/);
    expect(job.failureMessage).toMatch(/line 3/);
    const missing = await h.clients.bedrock.send(
      new CreateModelCustomizationJobCommand({ ...baseRequest, validationDataConfig: undefined, trainingDataConfig: { s3Uri: 's3://ft-data/missing.jsonl' }, jobName: 'missing-data', customModelName: 'missing-model' }),
    );
    const failed = await waitForJob(missing.jobArn!);
    expect(failed.status).toBe('Failed');
    expect(failed.failureMessage).toContain('s3://ft-data/missing.jsonl');
  });

  it('trains: validation loss falls, metric CSVs land in S3, and the custom model serves through a deployment and provisioned throughput', async () => {
    const { jobArn } = await h.clients.bedrock.send(
      new CreateModelCustomizationJobCommand({ ...baseRequest, jobName: 'notice-style', customModelName: 'notice-style-model', hyperParameters: { epochCount: '5', learningRate: '0.000001', learningRateWarmupSteps: '20' } }),
    );
    expect(jobArn).toMatch(/^arn:aws:bedrock:us-east-1:123456789012:model-customization-job\/amazon\.nova-micro-v1:0:128k\/[a-z0-9]{12}$/);
    const job = await waitForJob(jobArn!);
    expect(job.status, job.failureMessage).toBe('Completed');
    expect(job.statusDetails?.trainingDetails?.status).toBe('Completed');
    expect(job.hyperParameters).toMatchObject({ epochCount: '5', learningRate: '0.000001', learningRateWarmupSteps: '20' });
    expect(job.trainingMetrics?.trainingLoss).toBeGreaterThanOrEqual(0);
    expect(job.validationMetrics?.[0]?.validationLoss).toBeGreaterThanOrEqual(0);

    const jobId = jobArn!.split('/').pop();
    const csv = async (key: string) => (await (await h.clients.s3.send(new GetObjectCommand({ Bucket: 'ft-data', Key: key }))).Body!.transformToString()).trim().split('\n');
    const trainRows = await csv(`output/model-customization-job-${jobId}/training_artifacts/step_wise_training_metrics.csv`);
    expect(trainRows[0]).toBe('step_number,epoch_number,training_loss,perplexity');
    expect(trainRows.length).toBeGreaterThan(5);
    const valRows = await csv(`output/model-customization-job-${jobId}/validation_artifacts/post_fine_tuning_validation/validation/validation_metrics.csv`);
    expect(valRows[0]).toBe('step_number,epoch_number,validation_loss,perplexity');
    const valLoss = valRows.slice(1).map((r) => Number(r.split(',')[2]));
    expect(valLoss.length).toBe(5);
    expect(valLoss.at(-1)!).toBeLessThan(valLoss[0]);
    expect(valLoss.at(-1)).toBeCloseTo(job.validationMetrics![0].validationLoss!, 6);

    const model = await h.clients.bedrock.send(new GetCustomModelCommand({ modelIdentifier: job.outputModelArn! }));
    expect(model.modelStatus).toBe('Active');
    expect(model.baseModelArn).toBe('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0:128k');
    const listed = await h.clients.bedrock.send(new ListCustomModelsCommand({}));
    expect(listed.modelSummaries?.map((m) => m.modelName)).toContain('notice-style-model');
    const jobs = await h.clients.bedrock.send(new ListModelCustomizationJobsCommand({ statusEquals: 'Completed' }));
    expect(jobs.modelCustomizationJobSummaries?.map((j) => j.jobName)).toContain('notice-style');

    // A custom model ARN cannot be invoked directly.
    const direct = await h.clients.runtime.send(new ConverseCommand({ modelId: job.outputModelArn!, messages: userMessage('hi') })).catch((e) => e);
    expect(direct).toBeInstanceOf(RuntimeValidationException);

    const prompt = userMessage('Write the shipment notice for order 777 going to Lima.');
    const { customModelDeploymentArn } = await h.clients.bedrock.send(new CreateCustomModelDeploymentCommand({ modelDeploymentName: 'notice-od', modelArn: job.outputModelArn! }));
    const dep = await until(() => h.clients.bedrock.send(new GetCustomModelDeploymentCommand({ customModelDeploymentIdentifier: customModelDeploymentArn! })), (d) => d.status === 'Active', 'deployment');
    expect(dep.modelArn).toBe(job.outputModelArn);
    const tuned = await h.clients.runtime.send(new ConverseCommand({ modelId: customModelDeploymentArn!, messages: prompt }));
    const tunedText = tuned.output?.message?.content?.[0]?.text ?? '';
    expect(tunedText).toBe('NOTICE // order 777 going to Lima // status: dispatched');
    const base = await h.clients.runtime.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: prompt }));
    expect(base.output?.message?.content?.[0]?.text ?? '').not.toContain('NOTICE //');

    const { provisionedModelArn } = await h.clients.bedrock.send(new CreateProvisionedModelThroughputCommand({ provisionedModelName: 'notice-pt', modelId: job.outputModelArn!, modelUnits: 1 }));
    const creating = await h.clients.runtime.send(new ConverseCommand({ modelId: provisionedModelArn!, messages: prompt })).catch((e) => e);
    const pt = await until(() => h.clients.bedrock.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: provisionedModelArn! })), (p) => p.status === 'InService', 'provisioned throughput');
    expect(pt.modelUnits).toBe(1);
    expect(pt.foundationModelArn).toBe(model.baseModelArn);
    if (creating instanceof Error) expect(creating).toBeInstanceOf(RuntimeValidationException);
    const viaPt = await h.clients.runtime.send(new ConverseCommand({ modelId: provisionedModelArn!, messages: prompt }));
    expect(viaPt.output).toEqual(tuned.output);
    await h.clients.bedrock.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: provisionedModelArn! }));
    const gone = await h.clients.runtime.send(new ConverseCommand({ modelId: provisionedModelArn!, messages: prompt })).catch((e) => e);
    expect(gone.name).toBe('ResourceNotFoundException');
  });

  it('refuses on-demand deployment for a base without it (Llama 3.1) and unknown custom models', async () => {
    const { jobArn } = await h.clients.bedrock.send(
      new CreateModelCustomizationJobCommand({ ...baseRequest, validationDataConfig: undefined, baseModelIdentifier: 'meta.llama3-1-8b-instruct-v1:0:128k', jobName: 'llama-job', customModelName: 'llama-model', hyperParameters: { epochCount: '1' } }),
    );
    const job = await waitForJob(jobArn!);
    expect(job.status, job.failureMessage).toBe('Completed');
    const err = await h.clients.bedrock.send(new CreateCustomModelDeploymentCommand({ modelDeploymentName: 'llama-od', modelArn: job.outputModelArn! })).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationException);
    const missing = await h.clients.bedrock.send(new GetCustomModelCommand({ modelIdentifier: 'no-such-model' })).catch((e) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    const missingJob = await h.clients.bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier: 'no-such-job' })).catch((e) => e);
    expect(missingJob).toBeInstanceOf(ResourceNotFoundException);
  });
});
