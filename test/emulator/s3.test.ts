import { request } from 'node:http';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.clients.s3.send(new CreateBucketCommand({ Bucket: 'corpus' }));
});
afterAll(async () => {
  await h.stop();
});

/** A raw HTTP/1.1 request with an S3 SigV4 scope, sending the path exactly as given (no client-side normalisation). */
function rawS3(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: h.emu.port,
        method,
        path,
        headers: { authorization: `AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`, 'x-amz-date': '20260101T000000Z' },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('S3 (path style)', () => {
  it('puts, gets, heads, lists and deletes objects under the data dir', async () => {
    await h.clients.s3.send(new PutObjectCommand({ Bucket: 'corpus', Key: 'docs/alpha.txt', Body: 'alpha body' }));
    await h.clients.s3.send(new PutObjectCommand({ Bucket: 'corpus', Key: 'docs/beta.txt', Body: 'beta' }));
    await h.clients.s3.send(new PutObjectCommand({ Bucket: 'corpus', Key: 'other/gamma.txt', Body: 'gamma' }));
    expect(existsSync(join(h.dataDir, 's3', 'corpus', 'docs', 'alpha.txt'))).toBe(true);
    const got = await h.clients.s3.send(new GetObjectCommand({ Bucket: 'corpus', Key: 'docs/alpha.txt' }));
    expect(await got.Body!.transformToString()).toBe('alpha body');
    const head = await h.clients.s3.send(new HeadObjectCommand({ Bucket: 'corpus', Key: 'docs/beta.txt' }));
    expect(head.ContentLength).toBe(4);
    const list = await h.clients.s3.send(new ListObjectsV2Command({ Bucket: 'corpus', Prefix: 'docs/' }));
    expect(list.Contents?.map((c) => c.Key)).toEqual(['docs/alpha.txt', 'docs/beta.txt']);
    const grouped = await h.clients.s3.send(new ListObjectsV2Command({ Bucket: 'corpus', Delimiter: '/' }));
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['docs/', 'other/']);
    await h.clients.s3.send(new DeleteObjectCommand({ Bucket: 'corpus', Key: 'other/gamma.txt' }));
    await expect(h.clients.s3.send(new GetObjectCommand({ Bucket: 'corpus', Key: 'other/gamma.txt' }))).rejects.toBeInstanceOf(NoSuchKey);
    expect(existsSync(join(h.dataDir, 's3', 'corpus', 'other'))).toBe(false);
  });

  it('pages ListObjectsV2 with continuation tokens', async () => {
    // A bucket of its own, so the listing test above sees the same objects in whichever order the tests run.
    await h.clients.s3.send(new CreateBucketCommand({ Bucket: 'paging' }));
    for (let i = 0; i < 7; i++) await h.clients.s3.send(new PutObjectCommand({ Bucket: 'paging', Key: `paged/${i}.txt`, Body: String(i) }));
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await h.clients.s3.send(new ListObjectsV2Command({ Bucket: 'paging', Prefix: 'paged/', MaxKeys: 3, ContinuationToken: token }));
      keys.push(...(r.Contents ?? []).map((c) => c.Key!));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(keys).toEqual(Array.from({ length: 7 }, (_, i) => `paged/${i}.txt`));
  });

  it('reports a missing bucket as NoSuchBucket', async () => {
    const err = await h.clients.s3.send(new GetObjectCommand({ Bucket: 'nope-bucket', Key: 'x' })).catch((e) => e);
    expect(err).toBeInstanceOf(S3ServiceException);
    expect(err.name).toBe('NoSuchBucket');
  });

  it('rejects keys that would escape the data dir, through the SDK', async () => {
    for (const Key of ['../escape.txt', 'docs/../../escape.txt', 'a/./b', '/abs.txt', 'back\\slash', 'nul\u0000byte', 'enc/%2e%2e/x']) {
      const err = await h.clients.s3.send(new PutObjectCommand({ Bucket: 'corpus', Key, Body: 'x' })).catch((e) => e);
      expect(err, Key).toBeInstanceOf(S3ServiceException);
      expect(err.$metadata.httpStatusCode, Key).toBe(400);
    }
  });

  it('rejects raw path-escape attempts, encoded or not, and writes nothing outside the bucket', async () => {
    const attempts = [
      '/corpus/../escape.txt',
      '/corpus/docs/../../escape.txt',
      '/corpus/%2e%2e/escape.txt',
      '/corpus/%2E%2E%2Fescape.txt',
      '/corpus/..%2f..%2fescape.txt',
      '/corpus/%2fetc%2fpasswd',
      '/corpus/..%5cescape.txt',
      '/corpus/x%00y',
      '/%2e%2e/escape.txt',
      '/../escape.txt',
    ];
    for (const path of attempts) {
      const put = await rawS3('PUT', path, 'pwned');
      expect(put.status, path).toBeGreaterThanOrEqual(400);
      expect(put.status, path).toBeLessThan(500);
      const get = await rawS3('GET', path);
      expect(get.status, path).toBeGreaterThanOrEqual(400);
    }
    expect(readdirSync(h.dataDir).filter((f) => f.includes('escape'))).toEqual([]);
    expect(readdirSync(join(h.dataDir, 's3')).filter((f) => f.includes('escape'))).toEqual([]);
    expect(existsSync(join(h.dataDir, '..', 'escape.txt'))).toBe(false);
  });
});
