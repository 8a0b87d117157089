/** Deploys JumpStart endpoints on a running emulator through the real SageMaker SDK (for the emulator and contract tests). */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTrainingJobCommand,
  DescribeEndpointCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
  type DescribeTrainingJobCommandOutput,
} from '@aws-sdk/client-sagemaker';

export const JS_MODEL = 'meta-textgeneration-llama-3-1-8b-instruct';
export const JS_TAGS = [{ Key: 'sagemaker-sdk:jumpstart-model-id', Value: JS_MODEL }];
const ROLE = 'arn:aws:iam::123456789012:role/SageMakerRole';

export interface SmClients {
  sm: SageMakerClient;
  s3: S3Client;
}

export function smClients(url: string, credentials: { accessKeyId: string; secretAccessKey: string }): SmClients {
  const common = { region: 'us-east-1', endpoint: url, credentials, maxAttempts: 1 };
  return { sm: new SageMakerClient(common), s3: new S3Client({ ...common, forcePathStyle: true }) };
}

async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out');
}

/** Uploads `records` (JSONL lines) with an identity template and runs a training job to its end. */
export async function trainJob(c: SmClients, name: string, records: string[], hp: Record<string, string> = { epoch: '3', learning_rate: '0.0001' }): Promise<DescribeTrainingJobCommandOutput> {
  await c.s3.send(new CreateBucketCommand({ Bucket: 'js-data' })).catch(() => undefined);
  await c.s3.send(new PutObjectCommand({ Bucket: 'js-data', Key: `${name}/train/train.jsonl`, Body: records.join('\n') }));
  await c.s3.send(new PutObjectCommand({ Bucket: 'js-data', Key: `${name}/train/template.json`, Body: JSON.stringify({ prompt: '{prompt}', completion: '{completion}' }) }));
  await c.sm.send(
    new CreateTrainingJobCommand({
      TrainingJobName: name,
      AlgorithmSpecification: { TrainingImage: 'jumpstart-training:latest', TrainingInputMode: 'File' },
      RoleArn: ROLE,
      HyperParameters: hp,
      InputDataConfig: [{ ChannelName: 'training', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://js-data/${name}/train/` } } }],
      OutputDataConfig: { S3OutputPath: 's3://js-data/output/' },
      ResourceConfig: { InstanceType: 'ml.g5.12xlarge', InstanceCount: 1, VolumeSizeInGB: 64 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      Tags: JS_TAGS,
    }),
  );
  return until(async () => {
    const j = await c.sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    return j.TrainingJobStatus === 'InProgress' ? undefined : j;
  });
}

/** Model + endpoint config + endpoint, waited for InService; `artifacts` absent serves the base weights. */
export async function deployEndpoint(c: SmClients, name: string, artifacts?: string): Promise<string> {
  await c.sm.send(
    new CreateModelCommand({
      ModelName: name,
      ExecutionRoleArn: ROLE,
      PrimaryContainer: { Image: 'tgi:latest', ...(artifacts ? { ModelDataSource: { S3DataSource: { S3Uri: artifacts, S3DataType: 'S3Prefix', CompressionType: 'None' } } } : {}) },
      Tags: JS_TAGS,
    }),
  );
  await c.sm.send(new CreateEndpointConfigCommand({ EndpointConfigName: name, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: name, InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 1 }] }));
  await c.sm.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }));
  await until(async () => ((await c.sm.send(new DescribeEndpointCommand({ EndpointName: name }))).EndpointStatus === 'InService' ? true : undefined));
  return name;
}
