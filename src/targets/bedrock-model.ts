/**
 * A Bedrock model answering directly through ConverseStream (or Converse with `inference.streaming: false`). `modelId` may be a base model id, an inference
 * profile, a provisioned-model ARN or a custom-model-deployment ARN: it is passed through untouched.
 */
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { converseForRequest, responseFrom, type InferenceSettings } from './converse.js';
import { withConnectionTracking, withTransport, type ConnectionTally } from './connections.js';
import { toTargetError } from './errors.js';
import type { InvokeOptions, SystemKind, Target, TargetRequest, TargetResponse } from './types.js';

export interface BedrockModelTargetOptions {
  id: string;
  kind: SystemKind;
  modelId: string;
  runtime: BedrockRuntimeClient;
  inference: InferenceSettings;
}

/** What the runner reads from a target beyond the shared contract: a stable config for cache keys and limits. */
export interface TargetDescription {
  /** Everything that changes answers besides the request; part of the response-cache key. */
  readonly config: Record<string, unknown>;
  /** maxTokens used when the request sets none (for client-side tokens-per-minute estimates). */
  readonly defaultMaxTokens: number;
}

export type DescribedTarget = Target & {
  readonly description: TargetDescription;
  /** Connections this target's calls opened (absent for targets that make no calls of their own, e.g. batch replay). */
  readonly connections?: ConnectionTally;
};

export function createBedrockModelTarget(opts: BedrockModelTargetOptions): DescribedTarget {
  const { id, kind, modelId, runtime, inference } = opts;
  const connections: ConnectionTally = { opened: 0 };
  return {
    id,
    kind,
    modelId,
    connections,
    description: {
      config: { type: 'bedrock-model', modelId, inference },
      defaultMaxTokens: inference.maxTokens,
    },
    async invoke(request: TargetRequest, { signal }: InvokeOptions): Promise<TargetResponse> {
      // The runner calls invoke only once its limits let the request go, so the clock starts at the send.
      try {
        return await withConnectionTracking(
          signal,
          async (transport, tracked) => {
            const startedAt = performance.now();
            const r = await converseForRequest(runtime, modelId, request.prompt, request, inference, tracked, startedAt);
            return withTransport(responseFrom(r, startedAt), transport);
          },
          connections,
        );
      } catch (err) {
        throw toTargetError(err, signal);
      }
    },
  };
}
