/**
 * Semantic similarity: cosine of embeddings from a Bedrock embedding model (Titan Text Embeddings v2 body),
 * max over references. Negative cosine is reported as 0 so the metric stays on the 0..1 scale.
 */
import { InvokeModelCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ServiceError } from '../util/errors.js';
import { ResponseCache } from './cache.js';
import type { Scorer } from './types.js';

export const DEFAULT_EMBEDDING_MODEL = 'amazon.titan-embed-text-v2:0';
export type EmbeddingDimensions = 1024 | 512 | 256;

export interface SemanticOptions {
  runtime: BedrockRuntimeClient;
  modelId?: string;
  dimensions?: EmbeddingDimensions;
  cacheDir?: string;
}

export class Embedder {
  private readonly cache: ResponseCache<number[]>;
  readonly modelId: string;
  readonly dimensions: EmbeddingDimensions;

  constructor(private readonly opts: SemanticOptions) {
    this.modelId = opts.modelId ?? DEFAULT_EMBEDDING_MODEL;
    this.dimensions = opts.dimensions ?? 1024;
    this.cache = new ResponseCache<number[]>('embeddings', opts.cacheDir);
  }

  embed(text: string): Promise<number[]> {
    const key = ResponseCache.key([this.modelId, this.dimensions, text]);
    return this.cache.getOrCompute(key, () => this.invoke(text));
  }

  private async invoke(text: string): Promise<number[]> {
    let raw: string;
    try {
      const res = await this.opts.runtime.send(
        new InvokeModelCommand({
          modelId: this.modelId,
          contentType: 'application/json',
          accept: 'application/json',
          body: JSON.stringify({ inputText: text, dimensions: this.dimensions, normalize: true }),
        }),
      );
      raw = new TextDecoder().decode(res.body);
    } catch (err) {
      throw new ServiceError(`embedding model ${this.modelId} failed: ${(err as Error).message}`, (err as Error).name || 'EmbeddingFailed', {
        cause: err,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ServiceError(`embedding model ${this.modelId} returned a body that is not JSON`, 'EmbeddingBadResponse');
    }
    const embedding = (parsed as { embedding?: unknown }).embedding;
    if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new ServiceError(`embedding model ${this.modelId} returned no numeric "embedding" array`, 'EmbeddingBadResponse');
    }
    return embedding as number[];
  }
}

/** Cosine similarity; 0 when either vector has zero norm. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new ServiceError(`embedding sizes differ (${a.length} vs ${b.length})`, 'EmbeddingBadResponse');
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na === 0 || nb === 0) return 0;
  return dot / (Math.sqrt(na) * Math.sqrt(nb));
}

export function semanticScorer(opts: SemanticOptions): Scorer {
  const embedder = new Embedder(opts);
  return {
    name: 'semantic',
    binary: false,
    higherIsBetter: true,
    async score({ output, item }) {
      const refs = item.references.filter((r) => r.trim() !== '');
      // Titan rejects empty input, and similarity to "no answer" is not meaningful: no score.
      if (refs.length === 0 || output.trim() === '') return { value: refs.length === 0 ? null : 0 };
      const [outVec, ...refVecs] = await Promise.all([embedder.embed(output), ...refs.map((r) => embedder.embed(r))]);
      let best = 0;
      for (const v of refVecs) best = Math.max(best, cosine(outVec, v));
      return { value: Math.min(1, best) };
    },
  };
}
