import { describe, expect, it } from 'vitest';
import { CreateCustomModelDeploymentCommand, CreateModelCustomizationJobCommand, GetCustomModelCommand, GetModelCustomizationJobCommand, StopModelCustomizationJobCommand } from '@aws-sdk/client-bedrock';
import { CreateDataSourceCommand, CreateKnowledgeBaseCommand, GetIngestionJobCommand, StartIngestionJobCommand } from '@aws-sdk/client-bedrock-agent';
import { RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startHarness, tempDir, until, userMessage, STORAGE, untilKbActive } from './helpers.js';

const ROLE = 'arn:aws:iam::123456789012:role/r';
const line = (i: number) =>
  JSON.stringify({ prompt: `Give the locker code for member ${i} of the Harrow rowing club please`, completion: `LOCKER ISSUED // member ${i} of the Harrow rowing club // bay B` });
describe('persistence', () => {
  it('S3 objects, Knowledge Bases, custom models and deployments survive a restart', async () => {
    const dataDir = tempDir();
    const first = await startHarness({ dataDir });
    const c = first.clients;
    await c.s3.send(new CreateBucketCommand({ Bucket: 'keep' }));
    await c.s3.send(new PutObjectCommand({ Bucket: 'keep', Key: 'docs/a.txt', Body: 'The Harrow rowing club boathouse opens at 6 am on weekdays.' }));
    await c.s3.send(new PutObjectCommand({ Bucket: 'keep', Key: 'train.jsonl', Body: Array.from({ length: 20 }, (_, i) => line(100 + i)).join('\n') }));
    const kb = await c.agent.send(
      new CreateKnowledgeBaseCommand({ name: 'keep-kb', roleArn: ROLE, knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn: 'amazon.titan-embed-text-v2:0' } }, storageConfiguration: STORAGE }),
    );
    const kbId = kb.knowledgeBase!.knowledgeBaseId!;
    await untilKbActive(c.agent, kbId);
    const ds = await c.agent.send(new CreateDataSourceCommand({ knowledgeBaseId: kbId, name: 'd', dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: 'arn:aws:s3:::keep', inclusionPrefixes: ['docs/'] } } }));
    const dsId = ds.dataSource!.dataSourceId!;
    const ij = await c.agent.send(new StartIngestionJobCommand({ knowledgeBaseId: kbId, dataSourceId: dsId }));
    await until(() => c.agent.send(new GetIngestionJobCommand({ knowledgeBaseId: kbId, dataSourceId: dsId, ingestionJobId: ij.ingestionJob!.ingestionJobId! })), (j) => j.ingestionJob?.status === 'COMPLETE', 'ingestion');
    const { jobArn } = await c.bedrock.send(
      new CreateModelCustomizationJobCommand({ jobName: 'keep-job', customModelName: 'keep-model', roleArn: ROLE, baseModelIdentifier: 'amazon.nova-lite-v1:0:300k', trainingDataConfig: { s3Uri: 's3://keep/train.jsonl' }, outputDataConfig: { s3Uri: 's3://keep/out' } }),
    );
    const job = await until(() => c.bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier: jobArn! })), (j) => j.status !== 'InProgress', 'job');
    expect(job.status, job.failureMessage).toBe('Completed');
    const { customModelDeploymentArn } = await c.bedrock.send(new CreateCustomModelDeploymentCommand({ modelDeploymentName: 'keep-dep', modelArn: job.outputModelArn! }));
    await new Promise((r) => setTimeout(r, 80));
    const prompt = userMessage('Give the locker code for member 512 of the Harrow rowing club please');
    const before = await c.runtime.send(new ConverseCommand({ modelId: customModelDeploymentArn!, messages: prompt }));
    const retrieveBefore = await c.agentRuntime.send(new RetrieveCommand({ knowledgeBaseId: kbId, retrievalQuery: { text: 'When does the boathouse open?' } }));
    await first.stop({ keepData: true });

    const second = await startHarness({ dataDir });
    const d = second.clients;
    try {
      const obj = await d.s3.send(new GetObjectCommand({ Bucket: 'keep', Key: 'docs/a.txt' }));
      expect(await obj.Body!.transformToString()).toContain('6 am');
      const model = await d.bedrock.send(new GetCustomModelCommand({ modelIdentifier: 'keep-model' }));
      expect(model.modelStatus).toBe('Active');
      const after = await d.runtime.send(new ConverseCommand({ modelId: customModelDeploymentArn!, messages: prompt }));
      expect(after.output).toEqual(before.output);
      expect(after.output?.message?.content?.[0]?.text).toBe('LOCKER ISSUED // member 512 of the Harrow rowing club // bay B');
      const retrieveAfter = await d.agentRuntime.send(new RetrieveCommand({ knowledgeBaseId: kbId, retrievalQuery: { text: 'When does the boathouse open?' } }));
      expect(retrieveAfter.retrievalResults).toEqual(retrieveBefore.retrievalResults);
      // New ids keep counting instead of colliding with the ones made before the restart.
      const kb2 = await d.agent.send(
        new CreateKnowledgeBaseCommand({ name: 'keep-kb-2', roleArn: ROLE, knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn: 'amazon.titan-embed-text-v2:0' } }, storageConfiguration: STORAGE }),
      );
      expect(kb2.knowledgeBase!.knowledgeBaseId).not.toBe(kbId);
    } finally {
      await second.stop();
    }
  });

  it('a job still running when the emulator stops is Failed with a message after the restart; Stop works', async () => {
    const dataDir = tempDir();
    // The emulator holds every job at training InProgress, so "still running" is a fact the test sets, not a race
    // against how fast this machine trains.
    const first = await startHarness({ dataDir, holdCustomizationJobs: true });
    const c = first.clients;
    await c.s3.send(new CreateBucketCommand({ Bucket: 'big' }));
    await c.s3.send(new PutObjectCommand({ Bucket: 'big', Key: 'train.jsonl', Body: Array.from({ length: 20 }, (_, i) => line(i)).join('\n') }));
    const create = (jobName: string) =>
      c.bedrock.send(
        new CreateModelCustomizationJobCommand({ jobName, customModelName: `${jobName}-model`, roleArn: ROLE, baseModelIdentifier: 'amazon.nova-micro-v1:0', trainingDataConfig: { s3Uri: 's3://big/train.jsonl' }, outputDataConfig: { s3Uri: 's3://big/out' }, hyperParameters: { epochCount: '5' } }),
      );
    const trainingStatus = (arn: string) => c.bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier: arn }));
    const stopped = await create('stop-me');
    await until(() => trainingStatus(stopped.jobArn!), (j) => j.statusDetails?.trainingDetails?.status === 'InProgress', 'training start');
    await c.bedrock.send(new StopModelCustomizationJobCommand({ jobIdentifier: stopped.jobArn! }));
    const s = await until(() => trainingStatus(stopped.jobArn!), (j) => j.status !== 'InProgress' && j.status !== 'Stopping', 'stop');
    expect(s.status).toBe('Stopped');
    expect(s.statusDetails?.trainingDetails?.status).toBe('Stopped');

    const running = await create('interrupted');
    await until(() => trainingStatus(running.jobArn!), (j) => j.statusDetails?.trainingDetails?.status === 'InProgress', 'training start');
    expect((await trainingStatus(running.jobArn!)).status).toBe('InProgress');
    const pending = await c.bedrock.send(new GetCustomModelCommand({ modelIdentifier: 'interrupted-model' }));
    expect(pending.modelStatus).toBe('Creating');
    await first.stop({ keepData: true });
    const second = await startHarness({ dataDir });
    try {
      const job = await second.clients.bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier: running.jobArn! }));
      expect(job.status).toBe('Failed');
      expect(job.failureMessage).toMatch(/emulator (shut down|restarted)/);
      // The interrupted job never produced a model.
      await expect(second.clients.bedrock.send(new GetCustomModelCommand({ modelIdentifier: 'interrupted-model' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    } finally {
      await second.stop();
    }
  });
});
