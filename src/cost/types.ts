/**
 * Types of the price catalog and the cost model. The priced result (`SystemCost`) lives in the run.json schema;
 * these are the inputs that produce it.
 */
import type { z } from 'zod';
import type { SystemKindSchema, VectorStoreSpec } from '../config/schema.js';
import type { SageMakerCostInput } from './sagemaker.js';

export type SystemKind = z.infer<typeof SystemKindSchema>;

/** Billing units the catalog knows. Token units are per 1,000 tokens, as Bedrock's pricing page states them. */
export const PRICE_UNITS = [
  'input-1k-tokens',
  'output-1k-tokens',
  'batch-input-1k-tokens',
  'batch-output-1k-tokens',
  'cache-read-1k-tokens',
  'training-1k-tokens',
  'storage-model-month',
  'pt-mu-hour-none',
  'pt-mu-hour-1-month',
  'pt-mu-hour-6-month',
  'embedding-1k-tokens',
  'batch-embedding-1k-tokens',
  'ocu-hour',
  'storage-gb-month',
  'put-gb',
  'query-1k-requests',
  'query-tb-first-100k',
  'query-tb-over-100k',
  'acu-hour',
  'm-ncu-hour',
  'subscription-month',
  'rerank-1k-queries',
  'cmu-minute',
  'storage-cmu-month',
] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

export interface PriceEntry {
  modelId: string;
  /** AWS Region the price was stated for, or `*` for any Region. */
  region: string;
  unit: string;
  price: number;
  /** URL (or note) the figure was read from. */
  source: string;
  /** Date the price was stated (YYYY-MM-DD, or YYYY when only the year is known). */
  asOf: string;
  /** True when the figure is third-party only or not confirmed. */
  unverified?: boolean;
  note?: string;
  /** Set when a user override replaced or added this entry. */
  overridden?: boolean;
}

export interface CustomOnDemandSupport {
  /** Models customized before this date cannot be deployed on demand. */
  launchDate: string;
  source: string;
  note?: string;
  models: { modelId: string; regions: string[] }[];
}

export interface PriceCatalog {
  id: string;
  date: string;
  currency: 'USD';
  description?: string;
  /** Path the catalog was read from, or `bundled`. */
  file: string;
  customOnDemand?: CustomOnDemandSupport;
  entries: PriceEntry[];
  /** One line per applied user override, e.g. `amazon.nova-micro-v1:0 input-1k-tokens us-east-1: 0.000035 -> 0.00004 (user override)`. */
  overrides: string[];
}

export interface PriceOverride {
  modelId: string;
  region?: string;
  unit: string;
  price: number;
  source?: string;
  asOf?: string;
}

export interface MeasuredTokens {
  inputTokensMean: number;
  outputTokensMean: number;
  /** Tokens embedded per query for retrieval; defaults to the prompt's input tokens (labelled). */
  queryEmbeddingTokensMean?: number;
  /** Free-text provenance, e.g. "measured over 120 items" or "assumed (no run)"; copied into the assumptions. */
  provenance?: string;
}

export interface CostInput {
  kind: SystemKind;
  /** What the system calls: base id, inference profile, or a custom/provisioned/deployment ARN. */
  modelId: string;
  /** Base model whose prices apply. */
  pricingModelId: string;
  region: string;
  measured: MeasuredTokens;
  /** One-time (and per retrain): trained tokens × epochs × training price / 1k. */
  /** sweepEpochs: epochs of every other point of a hyperparameter sweep, each a one-time job of its own. */
  /** sweepScoreTokens: tokens of the calls that asked every sweep point the validation records (score-based selection). */
  training?: { trainedTokens: number; epochs: number; sweepEpochs?: number[]; sweepScoreTokens?: { calls: number; inputTokens: number; outputTokens: number } };
  serving?: { type: 'on-demand' | 'provisioned'; modelUnits: number; commitment: 'none' | '1-month' | '6-month' };
  knowledgeBase?: {
    corpusTokens: number;
    embeddingModelId: string;
    /** Where the vectors live; absent means OpenSearch Serverless with `vectorStoreOcus` (or 2) OCUs, labelled assumed. */
    vectorStore?: VectorStoreSpec;
    /** True when no config named the store and OpenSearch Serverless was assumed. */
    vectorStoreAssumed?: boolean;
    /** Legacy sizing: OpenSearch Serverless OCUs (0 = no store cost). Ignored when `vectorStore` is set. */
    vectorStoreOcus?: number;
    /** Per-document token counts and total UTF-8 bytes of the corpus, for estimating vectors and their size. */
    documentTokens?: number[];
    corpusBytes?: number;
    corpusTokensNote?: string;
  };
  execution?: 'on-demand' | 'batch';
  /** Served from a SageMaker endpoint (JumpStart): priced by the instance-hour instead of per token. */
  sagemaker?: SageMakerCostInput;
  /** Extra assumptions the caller made (e.g. default serving), copied into the result. */
  assumptions?: string[];
  /** Inputs the caller could not determine (e.g. training data on S3); listed with the missing prices, excluded from totals. */
  missing?: string[];
}
