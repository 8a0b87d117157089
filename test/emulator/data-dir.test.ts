import { request } from 'node:http';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateModelCustomizationJobCommand, GetModelCustomizationJobCommand } from '@aws-sdk/client-bedrock';
import { startHarness, tempDir, until } from './helpers.js';
import type { Harness } from './helpers.js';

const SECRET = 'TOP-SECRET-CONTENT outside the data dir';

let h: Harness;
let outside: string;
beforeAll(async () => {
  h = await startHarness();
  outside = tempDir();
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  await h.clients.s3.send(new CreateBucketCommand({ Bucket: 'linked' }));
  const bucketDir = join(h.dataDir, 's3', 'linked');
  symlinkSync(join(outside, 'secret.txt'), join(bucketDir, 'file-link.txt'));
  symlinkSync(outside, join(bucketDir, 'dir-link'));
  mkdirSync(join(bucketDir, 'real'), { recursive: true });
  writeFileSync(join(bucketDir, 'real', 'ok.txt'), 'fine');
});
afterAll(async () => {
  await h.stop();
});

describe('the data dir never follows symbolic links', () => {
  it('refuses GET and DELETE of an object that is a link, and PUT through a linked folder, with AccessDenied', async () => {
    const get = await h.clients.s3.send(new GetObjectCommand({ Bucket: 'linked', Key: 'file-link.txt' })).catch((e) => e);
    expect(get.name).toBe('AccessDenied');
    expect(get.$metadata.httpStatusCode).toBe(403);
    expect(String(get.message)).not.toContain('TOP-SECRET');
    const viaDir = await h.clients.s3.send(new GetObjectCommand({ Bucket: 'linked', Key: 'dir-link/secret.txt' })).catch((e) => e);
    expect(viaDir.name).toBe('AccessDenied');
    const put = await h.clients.s3.send(new PutObjectCommand({ Bucket: 'linked', Key: 'dir-link/secret.txt', Body: 'overwritten' })).catch((e) => e);
    expect(put.name).toBe('AccessDenied');
    const del = await h.clients.s3.send(new DeleteObjectCommand({ Bucket: 'linked', Key: 'dir-link/secret.txt' })).catch((e) => e);
    expect(del.name).toBe('AccessDenied');
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
    const ok = await h.clients.s3.send(new GetObjectCommand({ Bucket: 'linked', Key: 'real/ok.txt' }));
    expect(await ok.Body!.transformToString()).toBe('fine');
  });

  it('leaves links out of listings', async () => {
    const list = await h.clients.s3.send(new ListObjectsV2Command({ Bucket: 'linked' }));
    expect(list.Contents?.map((c) => c.Key)).toEqual(['real/ok.txt']);
  });

  it('fails a training job whose data is a link without echoing the linked content', async () => {
    const { jobArn } = await h.clients.bedrock.send(
      new CreateModelCustomizationJobCommand({
        jobName: 'linked-data',
        customModelName: 'linked-model',
        roleArn: 'arn:aws:iam::123456789012:role/BedrockCustomization',
        baseModelIdentifier: 'amazon.nova-micro-v1:0:128k',
        trainingDataConfig: { s3Uri: 's3://linked/file-link.txt' },
        outputDataConfig: { s3Uri: 's3://linked/output/' },
      }),
    );
    const job = await until(() => h.clients.bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier: jobArn! })), (j) => j.status !== 'InProgress', 'job');
    expect(job.status).toBe('Failed');
    expect(job.failureMessage).toContain('symbolic link');
    expect(job.failureMessage).not.toContain('TOP-SECRET');
  });

  it('does not quote file content in a failureMessage for invalid JSON', async () => {
    // A bucket of its own: an object added to 'linked' would change what the listing test sees, in whichever order they run.
    await h.clients.s3.send(new CreateBucketCommand({ Bucket: 'plain' }));
    await h.clients.s3.send(new PutObjectCommand({ Bucket: 'plain', Key: 'real/not-json.jsonl', Body: 'password=hunter2 this is not json\n' }));
    const { jobArn } = await h.clients.bedrock.send(
      new CreateModelCustomizationJobCommand({
        jobName: 'not-json',
        customModelName: 'not-json-model',
        roleArn: 'arn:aws:iam::123456789012:role/BedrockCustomization',
        baseModelIdentifier: 'amazon.nova-micro-v1:0:128k',
        trainingDataConfig: { s3Uri: 's3://plain/real/not-json.jsonl' },
        outputDataConfig: { s3Uri: 's3://plain/output/' },
      }),
    );
    const job = await until(() => h.clients.bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier: jobArn! })), (j) => j.status !== 'InProgress', 'job');
    expect(job.status).toBe('Failed');
    expect(job.failureMessage).toContain('line 1');
    expect(job.failureMessage).toContain('invalid JSON');
    expect(job.failureMessage).not.toContain('hunter2');
  });
});

describe('S3 body size limit', () => {
  it('answers 400 EntityTooLarge for a body over the limit, before reading it', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: h.emu.port,
          method: 'PUT',
          path: '/linked/huge.bin',
          headers: {
            authorization: `AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
            'x-amz-date': '20260101T000000Z',
            'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
            'content-length': String(65 * 1024 * 1024),
          },
        },
        (r) => {
          let text = '';
          r.on('data', (c) => (text += c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(1024));
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>EntityTooLarge</Code>');
    expect(existsSync(join(h.dataDir, 's3', 'linked', 'huge.bin'))).toBe(false);
  });
});
