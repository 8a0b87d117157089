import { describe, expect, it } from 'vitest';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { BedrockClient, ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import { BedrockAgentClient, ListKnowledgeBasesCommand } from '@aws-sdk/client-bedrock-agent';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startHarness, userMessage } from './helpers.js';

describe('emulator env block', () => {
  it('clients built with no endpoint or credentials options reach the emulator through emu.env alone', async () => {
    const h = await startHarness();
    const saved = { ...process.env };
    Object.assign(process.env, h.emu.env);
    delete process.env.AWS_PROFILE;
    try {
      const runtime = new BedrockRuntimeClient({});
      const bedrock = new BedrockClient({});
      const agent = new BedrockAgentClient({});
      const s3 = new S3Client({});
      const r = await runtime.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: userMessage('hello') }));
      expect(r.usage?.inputTokens).toBeGreaterThan(0);
      expect((await bedrock.send(new ListFoundationModelsCommand({}))).modelSummaries?.length).toBeGreaterThan(5);
      expect((await agent.send(new ListKnowledgeBasesCommand({}))).knowledgeBaseSummaries).toEqual([]);
      await s3.send(new CreateBucketCommand({ Bucket: 'env-bucket' }));
      await s3.send(new PutObjectCommand({ Bucket: 'env-bucket', Key: 'k.txt', Body: 'v' }));
      expect(await (await s3.send(new GetObjectCommand({ Bucket: 'env-bucket', Key: 'k.txt' }))).Body!.transformToString()).toBe('v');
      for (const c of [runtime, bedrock, agent, s3]) c.destroy();
    } finally {
      process.env = saved;
      await h.stop();
    }
  });
});
