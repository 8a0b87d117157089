import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateModelInvocationJobCommand, GetModelInvocationJobCommand, ListModelInvocationJobsCommand, ResourceNotFoundException, ValidationException } from '@aws-sdk/client-bedrock';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startHarness, until, userMessage } from './helpers.js';
import type { Harness } from './helpers.js';

const ROLE = 'arn:aws:iam::123456789012:role/batch';
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.clients.s3.send(new CreateBucketCommand({ Bucket: 'batch' }));
});
afterAll(async () => {
  await h.stop();
});

const prompt = (i: number) => `Context: Locker ${i} is on floor ${i % 4}. Question: Which floor is locker ${i} on?`;
const waitDone = (jobIdentifier: string) =>
  until(() => h.clients.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier })), (j) => !['Submitted', 'InProgress', 'Stopping'].includes(j.status!), 'batch job');
const read = async (Key: string) => (await (await h.clients.s3.send(new GetObjectCommand({ Bucket: 'batch', Key }))).Body!.transformToString()).trim();

describe('batch inference', () => {
  it('runs Converse-format records, writes .out lines and the manifest, and matches on-demand Converse', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => JSON.stringify({ recordId: `R${String(i).padStart(7, '0')}`, modelInput: { messages: userMessage(prompt(i)) } }));
    lines[5] = '{"recordId": "BAD", "modelInput": {"messages": []}}';
    await h.clients.s3.send(new PutObjectCommand({ Bucket: 'batch', Key: 'in/records.jsonl', Body: lines.join('\n') }));
    const { jobArn } = await h.clients.bedrock.send(
      new CreateModelInvocationJobCommand({ jobName: 'conv', roleArn: ROLE, modelId: 'amazon.nova-micro-v1:0', modelInvocationType: 'Converse', inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://batch/in/' } }, outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://batch/out/' } } }),
    );
    const job = await waitDone(jobArn!);
    expect(job.status).toBe('PartiallyCompleted');
    expect(job.totalRecordCount).toBe(100);
    expect(job.successRecordCount).toBe(99);
    expect(job.errorRecordCount).toBe(1);
    const jobId = jobArn!.split('/').pop();
    const out = (await read(`out/${jobId}/records.jsonl.out`)).split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(100);
    expect(out[5].error.errorCode).toBe(400);
    const online = await h.clients.runtime.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: userMessage(prompt(7)) }));
    expect(out[7].recordId).toBe('R0000007');
    expect(out[7].modelOutput.output).toEqual(online.output);
    const manifest = JSON.parse(await read(`out/${jobId}/manifest.json.out`));
    expect(manifest).toMatchObject({ totalRecordCount: 100, successRecordCount: 99, errorRecordCount: 1 });
    expect(manifest.inputTokenCount).toBeGreaterThan(0);
    const list = await h.clients.bedrock.send(new ListModelInvocationJobsCommand({}));
    expect(list.invocationJobSummaries?.map((j) => j.jobName)).toContain('conv');
  });

  it('runs model-native InvokeModel records (Nova and Titan embeddings)', async () => {
    const nova = Array.from({ length: 100 }, (_, i) => JSON.stringify({ recordId: String(i), modelInput: { messages: [{ role: 'user', content: [{ text: prompt(i) }] }], inferenceConfig: { max_new_tokens: 20 } } }));
    await h.clients.s3.send(new PutObjectCommand({ Bucket: 'batch', Key: 'nova.jsonl', Body: nova.join('\n') }));
    const { jobArn } = await h.clients.bedrock.send(
      new CreateModelInvocationJobCommand({ jobName: 'native', roleArn: ROLE, modelId: 'amazon.nova-micro-v1:0', inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://batch/nova.jsonl' } }, outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://batch/native-out' } } }),
    );
    const job = await waitDone(jobArn!);
    expect(job.status).toBe('Completed');
    const first = JSON.parse((await read(`native-out/${jobArn!.split('/').pop()}/nova.jsonl.out`)).split('\n')[0]);
    expect(first.modelOutput.output.message.content[0].text).toBeTruthy();
    expect(first.modelOutput.usage.outputTokens).toBeLessThanOrEqual(20);

    const emb = Array.from({ length: 100 }, (_, i) => JSON.stringify({ recordId: String(i), modelInput: { inputText: `doc ${i}`, dimensions: 256 } }));
    await h.clients.s3.send(new PutObjectCommand({ Bucket: 'batch', Key: 'emb.jsonl', Body: emb.join('\n') }));
    const e = await h.clients.bedrock.send(
      new CreateModelInvocationJobCommand({ jobName: 'emb', roleArn: ROLE, modelId: 'amazon.titan-embed-text-v2:0', inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://batch/emb.jsonl' } }, outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://batch/emb-out' } } }),
    );
    expect((await waitDone(e.jobArn!)).status).toBe('Completed');
    const firstEmb = JSON.parse((await read(`emb-out/${e.jobArn!.split('/').pop()}/emb.jsonl.out`)).split('\n')[0]);
    expect(firstEmb.modelOutput.embedding).toHaveLength(256);
  });

  it('fails jobs below the 100-record minimum and rejects bad requests', async () => {
    await h.clients.s3.send(new PutObjectCommand({ Bucket: 'batch', Key: 'small.jsonl', Body: JSON.stringify({ recordId: '1', modelInput: { messages: userMessage('hi') } }) }));
    const { jobArn } = await h.clients.bedrock.send(
      new CreateModelInvocationJobCommand({ jobName: 'small', roleArn: ROLE, modelId: 'amazon.nova-micro-v1:0', inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://batch/small.jsonl' } }, outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://batch/small-out' } } }),
    );
    const job = await waitDone(jobArn!);
    expect(job.status).toBe('Failed');
    expect(job.message).toContain('at least 100 records');
    const badModel = await h.clients.bedrock
      .send(new CreateModelInvocationJobCommand({ jobName: 'x', roleArn: ROLE, modelId: 'nope', inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://batch/small.jsonl' } }, outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://batch/o' } } }))
      .catch((err) => err);
    expect(badModel).toBeInstanceOf(ValidationException);
    await expect(h.clients.bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: 'missing' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
