import type { S3Client } from '@aws-sdk/client-s3';
import { InputError } from '../util/errors.js';
import { s3Sdk } from '../targets/sdk.js';

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new InputError(`not an s3:// URI: ${uri}`);
  return { bucket: m[1], key: m[2] };
}

const ensuredBuckets = new WeakMap<S3Client, Set<string>>();

/** Uploads text and returns its s3:// URI. On the emulator the bucket is created on first use; on AWS it must exist. */
export async function putText(s3: S3Client, bucket: string, key: string, body: string, createBucket: boolean): Promise<string> {
  if (createBucket) {
    const seen = ensuredBuckets.get(s3) ?? new Set<string>();
    ensuredBuckets.set(s3, seen);
    if (!seen.has(bucket)) {
      try {
        await s3.send(new s3Sdk.HeadBucketCommand({ Bucket: bucket }));
      } catch {
        await s3.send(new s3Sdk.CreateBucketCommand({ Bucket: bucket }));
      }
      seen.add(bucket);
    }
  }
  await s3.send(new s3Sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain; charset=utf-8' }));
  return `s3://${bucket}/${key}`;
}

/** The object's text, or undefined when it does not exist. */
export async function getText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const res = await s3.send(new s3Sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    return await res.Body?.transformToString('utf8');
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NotFound' || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      return undefined;
    }
    throw err;
  }
}
