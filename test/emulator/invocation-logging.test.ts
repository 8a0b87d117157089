import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  PutModelInvocationLoggingConfigurationCommand,
} from '@aws-sdk/client-bedrock';
import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startHarness, userMessage, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function logLines(harness: Harness, bucket: string, prefix: string): Promise<{ key: string; records: Record<string, any>[] }[]> {
  const list = await harness.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const out = [];
  for (const o of list.Contents ?? []) {
    const body = Buffer.from(await (await harness.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }))).Body!.transformToByteArray());
    if (!o.Key!.endsWith('.json.gz')) continue;
    out.push({ key: o.Key!, records: gunzipSync(body).toString('utf8').trim().split('\n').map((l) => JSON.parse(l)) });
  }
  return out;
}

describe('emulator: model invocation logging', () => {
  it('Put/Get/Delete the logging configuration; the bucket must exist; S3 is the one destination', async () => {
    h = await startHarness();
    const { bedrock, s3 } = h.clients;
    expect((await bedrock.send(new GetModelInvocationLoggingConfigurationCommand({}))).loggingConfig).toBeUndefined();
    const loggingConfig = { s3Config: { bucketName: 'invocation-logs', keyPrefix: 'app' }, textDataDeliveryEnabled: true };
    await expect(bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig }))).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/does not exist/) });
    await s3.send(new CreateBucketCommand({ Bucket: 'invocation-logs' }));
    await bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig }));
    expect((await bedrock.send(new GetModelInvocationLoggingConfigurationCommand({}))).loggingConfig).toEqual(loggingConfig);
    await expect(
      bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig: { cloudWatchConfig: { logGroupName: 'g', roleArn: 'arn:aws:iam::123456789012:role/r' } } })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/S3/) });
    await bedrock.send(new DeleteModelInvocationLoggingConfigurationCommand({}));
    expect((await bedrock.send(new GetModelInvocationLoggingConfigurationCommand({}))).loggingConfig).toBeUndefined();
  });

  it('writes one ModelInvocationLog record per call to S3, under Bedrock\'s key layout, bodies above 100 KB as data/ objects', async () => {
    h = await startHarness();
    const { bedrock, s3, runtime } = h.clients;
    await s3.send(new CreateBucketCommand({ Bucket: 'invocation-logs' }));
    await bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig: { s3Config: { bucketName: 'invocation-logs', keyPrefix: 'app' }, textDataDeliveryEnabled: true } }));
    const answer = await runtime.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: userMessage('The pool opens at 7 am. When does the pool open?'), inferenceConfig: { maxTokens: 40, temperature: 0 } }));
    const stream = await runtime.send(new ConverseStreamCommand({ modelId: 'amazon.nova-micro-v1:0', messages: userMessage('Say hello.') }));
    for await (const _ of stream.stream!) void _;
    const big = `Context: ${'word '.repeat(25_000)}\nQuestion: what is the word?`;
    await runtime.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: userMessage(big), inferenceConfig: { maxTokens: 10 } }));
    // Logs are delivered in batches; the emulator delivers what it holds when it stops.
    const dataDir = h.dataDir;
    await h.stop({ keepData: true });
    h = await startHarness({ dataDir });
    const files = await logLines(h, 'invocation-logs', 'app/AWSLogs/');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.key).toMatch(/^app\/AWSLogs\/123456789012\/BedrockModelInvocationLogs\/us-east-1\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/[^/]+\.json\.gz$/);
    const records = files.flatMap((f) => f.records);
    expect(records).toHaveLength(3);
    const converse = records.find((r) => r.operation === 'Converse' && r.input.inputBodyJson)!;
    expect(converse).toMatchObject({ schemaType: 'ModelInvocationLog', schemaVersion: '1.0', accountId: '123456789012', region: 'us-east-1', modelId: 'amazon.nova-micro-v1:0' });
    expect(converse.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(converse.output.outputBodyJson.output.message.content[0].text).toBe(answer.output!.message!.content![0].text);
    expect(converse.input.inputTokenCount).toBe(answer.usage!.inputTokens);
    expect(converse.output.outputTokenCount).toBe(answer.usage!.outputTokens);
    expect(records.find((r) => r.operation === 'ConverseStream')!.output.outputBodyJson.stopReason).toBeDefined();
    const large = records.find((r) => r.input.inputBodyS3Path)!;
    expect(large.input.inputBodyS3Path).toMatch(/^s3:\/\/invocation-logs\/app\/AWSLogs\/.*\/data\/.*-input\.json$/);
    expect(large.input.inputBodyJson).toBeUndefined();
  });

  it('logs nothing without a configuration, and only metadata when text delivery is off', async () => {
    h = await startHarness();
    const { bedrock, s3, runtime } = h.clients;
    await s3.send(new CreateBucketCommand({ Bucket: 'invocation-logs' }));
    await runtime.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: userMessage('unlogged') }));
    await bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig: { s3Config: { bucketName: 'invocation-logs' }, textDataDeliveryEnabled: false } }));
    await runtime.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: userMessage('metadata only') }));
    const dataDir = h.dataDir;
    await h.stop({ keepData: true });
    h = await startHarness({ dataDir });
    const records = (await logLines(h, 'invocation-logs', 'AWSLogs/')).flatMap((f) => f.records);
    expect(records).toHaveLength(1);
    expect(records[0].input.inputBodyJson).toBeUndefined();
    expect(records[0].input.inputTokenCount).toBeGreaterThan(0);
  });
});
