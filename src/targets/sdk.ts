/**
 * The control-plane AWS SDK packages (Bedrock, Bedrock Agent, S3, SageMaker, SageMaker Runtime), each loaded the first
 * time one of its exports is used: a run of base models on the emulator or Bedrock never creates a customization job,
 * a Knowledge Base, a bucket or an endpoint, and loading these five packages cost about 0.4 s of CPU before its first
 * call. Used like a namespace import: `new s3Sdk.PutObjectCommand(input)`.
 *
 * The packages are CommonJS (no `exports` map: an ESM import loads their `main`), so `require` returns the very
 * module an `import` would: the same classes, the same instance.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function onFirstUse<T extends object>(id: string): T {
  let loaded: T | undefined;
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get((loaded ??= require(id) as T), key),
  });
}

export const bedrockSdk = onFirstUse<typeof import('@aws-sdk/client-bedrock')>('@aws-sdk/client-bedrock');
export const bedrockAgentSdk = onFirstUse<typeof import('@aws-sdk/client-bedrock-agent')>('@aws-sdk/client-bedrock-agent');
export const s3Sdk = onFirstUse<typeof import('@aws-sdk/client-s3')>('@aws-sdk/client-s3');
export const sageMakerSdk = onFirstUse<typeof import('@aws-sdk/client-sagemaker')>('@aws-sdk/client-sagemaker');
export const sageMakerRuntimeSdk = onFirstUse<typeof import('@aws-sdk/client-sagemaker-runtime')>('@aws-sdk/client-sagemaker-runtime');
