/**
 * Turns an experiment config into cost-model inputs, one per system. Token figures come from a run when one is
 * given, otherwise from labelled assumptions; training and corpus tokens are counted from local files.
 */
import { isAbsolute, resolve } from 'node:path';
import { retrievesKnowledgeBase, type ExperimentConfig, type SystemSpec, type VectorStoreSpec } from '../config/schema.js';
import { InputError } from '../util/errors.js';
import { customOnDemandSupport, isCustomModelArn } from './catalog.js';
import { formatCount } from './format.js';
import { defaultEpochCount } from '../models/index.js';
import { jumpStartModel } from '../models/jumpstart.js';
import { sageMakerCostInput } from './sagemaker.js';
import { countCorpusTokens, countTrainingTokens, TOKEN_COUNT_LABEL } from './token-counts.js';
import { cptBatchSize, cptRecordsFromDocuments } from '../training/cpt-records.js';
import type { CostInput, MeasuredTokens, PriceCatalog } from './types.js';

/** Token assumptions when nothing was measured: a short question and answer; RAG adds ~5 retrieved chunks. */
export const ASSUMED_TOKENS = { input: 300, output: 60, ragContext: 1000 } as const;

/** Bedrock's size-planning rule of thumb (~6 characters per token), for corpora given only as a size. */
const CHARS_PER_TOKEN = 6;

export interface PlannedSystem {
  id: string;
  label?: string;
  input: CostInput;
}

export interface PlanOptions {
  /** Directory relative paths in the config are resolved against. */
  baseDir: string;
  /** Measured tokens per system id (from a run); systems without an entry use ASSUMED_TOKENS. */
  measured?: Record<string, MeasuredTokens>;
}

export function assumedTokens(kind: string): MeasuredTokens {
  const rag = retrievesKnowledgeBase(kind);
  return {
    inputTokensMean: ASSUMED_TOKENS.input + (rag ? ASSUMED_TOKENS.ragContext : 0),
    outputTokensMean: ASSUMED_TOKENS.output,
    queryEmbeddingTokensMean: rag ? ASSUMED_TOKENS.input : undefined,
    provenance: rag
      ? `assumed, not measured: ${ASSUMED_TOKENS.input} prompt + ${formatCount(ASSUMED_TOKENS.ragContext)} retrieved-context tokens (about 5 chunks) in, ${ASSUMED_TOKENS.output} out; query embedding ${ASSUMED_TOKENS.input}`
      : `assumed, not measured: ${ASSUMED_TOKENS.input} in, ${ASSUMED_TOKENS.output} out`,
  };
}

export async function planCostInputs(config: ExperimentConfig, catalog: PriceCatalog, opts: PlanOptions): Promise<PlannedSystem[]> {
  const byId = new Map(config.systems.map((s) => [s.id, s]));
  const planned: PlannedSystem[] = [];
  for (const [index, spec] of config.systems.entries()) {
    const field = `systems[${index}]`;
    const donor = spec.generatorFrom ? byId.get(spec.generatorFrom) : undefined;
    if (spec.generatorFrom && !donor) throw new InputError(`generatorFrom names no system "${spec.generatorFrom}"`, { field: `${field}.generatorFrom` });
    if (spec.sagemaker) {
      planned.push({ id: spec.id, label: spec.label, input: await planSageMaker(spec, config, opts) });
      continue;
    }
    const training = spec.training ?? donor?.training;
    const serving = spec.serving ?? donor?.serving;
    const modelId = spec.modelId ?? donor?.modelId ?? (training ? `custom model of ${training.baseModelId}` : undefined);
    const pricingModelId = spec.pricingModelId ?? donor?.pricingModelId ?? training?.baseModelId ?? (modelId && !isCustomModelArn(modelId) ? modelId : undefined);
    if (!modelId || !pricingModelId) {
      throw new InputError('cannot tell which base model prices this system: set modelId, training.baseModelId or pricingModelId', { field: `${field}.pricingModelId` });
    }
    const assumptions: string[] = [];
    const missing: string[] = [];
    const input: CostInput = {
      kind: spec.kind,
      modelId,
      pricingModelId,
      region: config.region,
      measured: opts.measured?.[spec.id] ?? assumedTokens(spec.kind),
      execution: spec.execution,
      assumptions,
      missing,
    };
    if (spec.kind === 'fine-tuned' || spec.kind === 'rag-fine-tuned') {
      if (training) input.training = await planTraining(training, opts.baseDir, assumptions, missing);
      input.serving = serving ?? defaultServing(catalog, pricingModelId, config.region, assumptions);
    }
    if (retrievesKnowledgeBase(spec.kind)) input.knowledgeBase = await planKnowledgeBase(spec, config, opts.baseDir, missing);
    planned.push({ id: spec.id, label: spec.label, input });
  }
  return planned;
}

/** A JumpStart system: instance-hours, with training tokens counted from the local file for the time estimate. */
async function planSageMaker(spec: SystemSpec, config: ExperimentConfig, opts: PlanOptions): Promise<CostInput> {
  const sm = spec.sagemaker!;
  const assumptions: string[] = [];
  const missing: string[] = [];
  let counted: { trainedTokens: number; epochs: number } | undefined;
  if (sm.training && !sm.training.trainingData.startsWith('s3://')) {
    const file = isAbsolute(sm.training.trainingData) ? sm.training.trainingData : resolve(opts.baseDir, sm.training.trainingData);
    const { tokens, records } = await countTrainingTokens(file);
    const epoch = Number(sm.training.hyperParameters.epoch ?? jumpStartModel(sm.jumpStartModelId)?.hyperParameters.epoch?.default ?? 1);
    assumptions.push(`Training tokens: ${formatCount(tokens)} in ${formatCount(records)} records of ${sm.training.trainingData}, ${TOKEN_COUNT_LABEL}.`);
    counted = { trainedTokens: tokens, epochs: epoch };
  } else if (sm.training) missing.push(`training tokens of ${sm.training.trainingData} (not readable locally): training time not estimated`);
  return {
    kind: spec.kind,
    modelId: sm.endpointName ?? `SageMaker endpoint of ${sm.jumpStartModelId}`,
    pricingModelId: sm.jumpStartModelId,
    region: config.region,
    measured: opts.measured?.[spec.id] ?? assumedTokens(spec.kind),
    sagemaker: sageMakerCostInput(sm, counted ?? {}),
    assumptions,
    missing,
  };
}

function defaultServing(catalog: PriceCatalog, base: string, region: string, assumptions: string[]): NonNullable<CostInput['serving']> {
  if (customOnDemandSupport(catalog, base, region).supported) {
    assumptions.push('No serving spec: custom model on-demand deployment assumed (supported for this base model and Region).');
    return { type: 'on-demand', modelUnits: 1, commitment: 'none' };
  }
  assumptions.push('No serving spec: 1 model unit of provisioned throughput without commitment assumed (custom on-demand is not offered for this base/Region).');
  return { type: 'provisioned', modelUnits: 1, commitment: 'none' };
}

async function planTraining(
  training: NonNullable<SystemSpec['training']>,
  baseDir: string,
  assumptions: string[],
  missing: string[],
): Promise<CostInput['training']> {
  const epochs = epochsOf(training, assumptions);
  if (training.fromDocuments !== undefined) {
    const folder = isAbsolute(training.fromDocuments) ? training.fromDocuments : resolve(baseDir, training.fromDocuments);
    const made = await cptRecordsFromDocuments(folder, { baseModelId: training.baseModelId, batchSize: cptBatchSize(training), recordTokens: training.recordTokens, field: 'training.fromDocuments' });
    assumptions.push(
      `Training tokens: ${formatCount(made.tokens)} in ${formatCount(made.records)} continued pre-training records (at most ${made.recordTokens} tokens each) made from ${made.documents} documents in ${training.fromDocuments}, ${TOKEN_COUNT_LABEL}.`,
    );
    return { trainedTokens: made.tokens, epochs };
  }
  if (training.trainingData === undefined) return undefined;
  if (training.trainingData.startsWith('s3://')) {
    missing.push(`training tokens of ${training.trainingData} (not readable locally): training cost not counted`);
    return undefined;
  }
  const file = isAbsolute(training.trainingData) ? training.trainingData : resolve(baseDir, training.trainingData);
  const { tokens, records } = await countTrainingTokens(file);
  assumptions.push(`Training tokens: ${formatCount(tokens)} in ${formatCount(records)} records of ${training.trainingData}, ${TOKEN_COUNT_LABEL}.`);
  return { trainedTokens: tokens, epochs };
}

function epochsOf(training: NonNullable<SystemSpec['training']>, assumptions: string[]): number {
  const raw = training.hyperParameters.epochCount;
  if (raw !== undefined) {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new InputError(`epochCount must be a positive number, got "${raw}"`, { field: 'training.hyperParameters.epochCount' });
    return n;
  }
  const { epochs, known } = defaultEpochCount(training.baseModelId);
  assumptions.push(`epochCount not set: ${epochs} assumed (${known ? "Bedrock's default for this family" : 'no known default'}).`);
  return epochs;
}

/** The vector store a system's KB is priced on: its own, else pricing.vectorStore, else OpenSearch Serverless (assumed). */
export function vectorStoreFor(spec: SystemSpec, config: ExperimentConfig): { store: VectorStoreSpec; assumed: boolean } {
  const own = spec.knowledgeBase?.vectorStore;
  if (own) return { store: own, assumed: false };
  if (config.pricing.vectorStore) return { store: config.pricing.vectorStore, assumed: false };
  return { store: { type: 'opensearch-serverless', ocus: 2 }, assumed: true };
}

/** Cost inputs of a system's Knowledge Base: corpus tokens (counted or estimated), embedding model, vector store. */
export async function planKnowledgeBase(spec: SystemSpec, config: ExperimentConfig, baseDir: string, missing: string[]): Promise<CostInput['knowledgeBase']> {
  const kb = spec.knowledgeBase;
  const embeddingModelId = kb?.embeddingModelId ?? 'amazon.titan-embed-text-v2:0';
  const { store, assumed } = vectorStoreFor(spec, config);
  let corpusTokens = 0;
  let corpusTokensNote: string | undefined;
  let documentTokens: number[] | undefined;
  let corpusBytes: number | undefined;
  if (kb?.documents && !kb.documents.startsWith('s3://')) {
    const dir = isAbsolute(kb.documents) ? kb.documents : resolve(baseDir, kb.documents);
    const counted = await countCorpusTokens(dir);
    corpusTokens = counted.tokens;
    documentTokens = counted.documentTokens;
    corpusBytes = counted.bytes;
    corpusTokensNote = `Corpus: ${formatCount(counted.tokens)} tokens in ${counted.files} documents of ${kb.documents}${counted.skipped ? ` (${counted.skipped} non-text files skipped)` : ''}, ${TOKEN_COUNT_LABEL}.`;
  } else if (kb?.documentsSizeGb !== undefined) {
    corpusTokens = Math.round((kb.documentsSizeGb * 1e9) / CHARS_PER_TOKEN);
    corpusBytes = kb.documentsSizeGb * 1e9;
    corpusTokensNote = `Corpus: ${kb.documentsSizeGb} GB at ~${CHARS_PER_TOKEN} characters per token (Bedrock's planning rule) = ${formatCount(corpusTokens)} tokens.`;
  } else {
    missing.push('knowledge corpus size (set knowledgeBase.documents to a local folder, or documentsSizeGb): ingestion and re-ingestion not counted');
  }
  return { corpusTokens, embeddingModelId, vectorStore: store, vectorStoreAssumed: assumed, documentTokens, corpusBytes, corpusTokensNote };
}
