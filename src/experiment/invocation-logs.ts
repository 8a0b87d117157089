/**
 * `emulator.invocationLogs: s3://bucket/prefix` (or `ftrag run --invocation-logs`): turns on model invocation logging
 * on the embedded emulator through the real SDK call (PutModelInvocationLoggingConfiguration with an S3 destination),
 * creating the bucket in the emulator's S3 first, so every model call of the run is logged as Bedrock would log it and
 * `ftrag shadow --logs s3://bucket/prefix` can replay that traffic later.
 */
import type { AwsClients } from '../targets/clients.js';
import { InputError } from '../util/errors.js';
import { bedrockSdk, s3Sdk } from '../targets/sdk.js';

export async function enableInvocationLogging(clients: AwsClients, uri: string, log: (line: string) => void): Promise<void> {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!m) throw new InputError(`not an s3://bucket/prefix URI: ${uri}`, { field: 'emulator.invocationLogs' });
  const [, bucket, prefix] = m;
  try {
    await clients.s3.send(new s3Sdk.HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await clients.s3.send(new s3Sdk.CreateBucketCommand({ Bucket: bucket }));
  }
  const keyPrefix = (prefix ?? '').replace(/\/+$/, '');
  await clients.bedrock.send(
    new bedrockSdk.PutModelInvocationLoggingConfigurationCommand({
      loggingConfig: { s3Config: { bucketName: bucket, ...(keyPrefix ? { keyPrefix } : {}) }, textDataDeliveryEnabled: true, imageDataDeliveryEnabled: false, embeddingDataDeliveryEnabled: false },
    }),
  );
  log(`invocation logging: on, to ${uri.replace(/\/+$/, '')}/AWSLogs/ (replay it with: ftrag shadow --logs ${uri} --candidate <system id>)`);
}
