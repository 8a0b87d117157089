import {
  CreateProvisionedModelThroughputCommand,
  DeleteProvisionedModelThroughputCommand,
  ListProvisionedModelThroughputsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-bedrock';
import {
  CreateKnowledgeBaseCommand,
  ListKnowledgeBasesCommand,
  ListTagsForResourceCommand as ListAgentTags,
  TagResourceCommand as TagAgentResource,
  UntagResourceCommand as UntagAgentResource,
} from '@aws-sdk/client-bedrock-agent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';

/** The emulator stores and checks tags as Bedrock documents them (API reference Tag / TagsMap; TooManyTagsException). */
describe('emulator: resource tags', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.stop());

  const pt = (name: string, tags?: { key: string; value: string }[]) =>
    h.clients.bedrock.send(new CreateProvisionedModelThroughputCommand({ provisionedModelName: name, modelId: 'amazon.titan-text-express-v1', modelUnits: 1, tags }));
  const ptCount = async () => ((await h.clients.bedrock.send(new ListProvisionedModelThroughputsCommand({}))).provisionedModelSummaries ?? []).length;
  const kb = (name: string, tags?: Record<string, string>) =>
    h.clients.agent.send(
      new CreateKnowledgeBaseCommand({
        name,
        roleArn: 'arn:aws:iam::000000000000:role/kb',
        knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0' } },
        storageConfiguration: { type: 'S3_VECTORS', s3VectorsConfiguration: { vectorBucketArn: 'arn:aws:s3vectors:us-east-1:000000000000:bucket/b', indexName: 'i' } },
        tags,
      }),
    );

  it('a provisioned throughput keeps its tags; ListTagsForResource, TagResource and UntagResource read and change them', async () => {
    const { provisionedModelArn } = await pt('tagged-pt', [
      { key: 'ftrag:managed', value: 'true' },
      { key: 'ftrag:run-id', value: '20261202-010203-ab12' },
    ]);
    const list = async () => (await h.clients.bedrock.send(new ListTagsForResourceCommand({ resourceARN: provisionedModelArn }))).tags;
    expect(await list()).toEqual([
      { key: 'ftrag:managed', value: 'true' },
      { key: 'ftrag:run-id', value: '20261202-010203-ab12' },
    ]);
    await h.clients.bedrock.send(new TagResourceCommand({ resourceARN: provisionedModelArn, tags: [{ key: 'team', value: 'search' }] }));
    await h.clients.bedrock.send(new UntagResourceCommand({ resourceARN: provisionedModelArn, tagKeys: ['ftrag:run-id'] }));
    expect(await list()).toEqual([
      { key: 'ftrag:managed', value: 'true' },
      { key: 'team', value: 'search' },
    ]);
    await h.clients.bedrock.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: provisionedModelArn }));
    await expect(list()).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses bad tags with ValidationException and creates nothing', async () => {
    const before = await ptCount();
    const bad: [string, { key: string; value: string }[]][] = [
      ['key with a character outside the pattern', [{ key: 'owner#1', value: 'x' }]],
      ['empty key', [{ key: '', value: 'x' }]],
      ['129-character key', [{ key: 'k'.repeat(129), value: 'x' }]],
      ['257-character value', [{ key: 'k', value: 'v'.repeat(257) }]],
      ['value with a character outside the pattern', [{ key: 'k', value: 'a,b' }]],
      ['reserved aws: prefix', [{ key: 'aws:createdBy', value: 'x' }]],
      ['201 items', Array.from({ length: 201 }, (_, i) => ({ key: `k${i % 3}`, value: 'v' }))],
    ];
    for (const [why, tags] of bad) {
      await expect(pt(`bad-${bad.findIndex((b) => b[0] === why)}`, tags), why).rejects.toMatchObject({ name: 'ValidationException' });
    }
    // The limits themselves are allowed: 128-character key, 256-character value, an empty value.
    const { provisionedModelArn } = await pt('edge-pt', [
      { key: 'k'.repeat(128), value: 'v'.repeat(256) },
      { key: 'empty', value: '' },
    ]);
    expect((await h.clients.bedrock.send(new ListTagsForResourceCommand({ resourceARN: provisionedModelArn }))).tags).toHaveLength(2);
    expect(await ptCount()).toBe(before + 1);
  });

  it('more than 50 distinct tags on one resource is TooManyTagsException, counting the tags already there', async () => {
    const fifty = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    const before = await ptCount();
    await expect(pt('too-many', [...fifty, { key: 'k50', value: 'v' }])).rejects.toMatchObject({ name: 'TooManyTagsException' });
    expect(await ptCount()).toBe(before);
    const { provisionedModelArn } = await pt('fifty', fifty);
    await expect(h.clients.bedrock.send(new TagResourceCommand({ resourceARN: provisionedModelArn, tags: [{ key: 'one-more', value: 'v' }] }))).rejects.toMatchObject({
      name: 'TooManyTagsException',
    });
    // Re-tagging an existing key does not add one.
    await h.clients.bedrock.send(new TagResourceCommand({ resourceARN: provisionedModelArn, tags: [{ key: 'k0', value: 'changed' }] }));
  });

  it('a Knowledge Base keeps its tag map (bedrock-agent GET/POST/DELETE /tags/{arn}); a bad map creates nothing', async () => {
    const created = await kb('tagged-kb', { 'ftrag:managed': 'true', 'ftrag:experiment': 'vellora-demo' });
    const resourceArn = created.knowledgeBase!.knowledgeBaseArn!;
    const list = async () => (await h.clients.agent.send(new ListAgentTags({ resourceArn }))).tags;
    expect(await list()).toEqual({ 'ftrag:managed': 'true', 'ftrag:experiment': 'vellora-demo' });
    await h.clients.agent.send(new TagAgentResource({ resourceArn, tags: { team: 'search' } }));
    await h.clients.agent.send(new UntagAgentResource({ resourceArn, tagKeys: ['ftrag:experiment'] }));
    expect(await list()).toEqual({ 'ftrag:managed': 'true', team: 'search' });

    const kbCount = async () => ((await h.clients.agent.send(new ListKnowledgeBasesCommand({}))).knowledgeBaseSummaries ?? []).length;
    const before = await kbCount();
    await expect(kb('bad-kb-1', { 'bad key!': 'x' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(kb('bad-kb-2', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])))).rejects.toMatchObject({ name: 'ValidationException' });
    expect(await kbCount()).toBe(before);
    await expect(h.clients.agent.send(new ListAgentTags({ resourceArn: 'arn:aws:bedrock:us-east-1:000000000000:knowledge-base/NOPE000000' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
