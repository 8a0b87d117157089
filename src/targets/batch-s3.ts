/** The few S3 calls batch inference needs: write input files, list and read the job's output. */
import type { S3Client } from '@aws-sdk/client-s3';
import { InputError } from '../util/errors.js';
import { s3Sdk } from './sdk.js';

export function bucketAndKey(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new InputError(`not an s3:// URI: ${uri}`, { field: 'batch.s3Uri' });
  return { bucket: m[1], key: m[2] };
}

/** Only on the emulator: on AWS the bucket is the user's and must already exist. */
export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new s3Sdk.HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new s3Sdk.CreateBucketCommand({ Bucket: bucket }));
  }
}

export async function putObjectText(s3: S3Client, bucket: string, key: string, body: string): Promise<void> {
  await s3.send(new s3Sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/jsonl' }));
}

export async function readObjectText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const res = await s3.send(new s3Sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    return await res.Body?.transformToString('utf8');
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if ((err as { name?: string }).name === 'NoSuchKey' || status === 404) return undefined;
    throw err;
  }
}

export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new s3Sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}
