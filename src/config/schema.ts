/**
 * The experiment config (YAML or JSON). This zod schema is the single source of the TypeScript type and of the
 * committed JSON Schema `schema/config.schema.json` that editors use for completion.
 * Precedence: defaults < file < CLI flags.
 */
import { z } from 'zod';

export const SystemKindSchema = z.enum(['base', 'fine-tuned', 'rag', 'rag-fine-tuned']);

/** A system of this kind answers through a Knowledge Base: it retrieves (and embeds each question) before it generates. */
export function retrievesKnowledgeBase(kind: string): boolean {
  return kind === 'rag' || kind === 'rag-fine-tuned';
}

const SweepValues = z.union([
  z.array(z.number()).min(1).describe('Values to try (grid), or to draw from (random)'),
  z.object({ min: z.number(), max: z.number(), scale: z.enum(['linear', 'log']).default('linear') }).describe('A range to draw from (random only)'),
]);

export const SweepSpec = z
  .object({
    method: z.enum(['grid', 'random']).default('grid'),
    points: z.number().int().min(1).max(50).optional().describe('random: how many points to draw; grid: the most points allowed (default 16)'),
    seed: z.number().int().optional().describe('random: seed of the draw (default the experiment seed)'),
    epochCount: SweepValues.optional(),
    learningRate: SweepValues.optional(),
    batchSize: SweepValues.optional(),
    learningRateWarmupSteps: SweepValues.optional(),
    maxConcurrentJobs: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe("Customization jobs in flight at once; keep it within the account's concurrent customization job quota"),
    select: z
      .enum(['validation-loss', 'validation-score', 'loss-then-score', 'score-then-loss'])
      .default('validation-loss')
      .describe(
        'How the point is chosen, never on the test set: validation-loss (lowest final validation loss from the job metric CSVs), validation-score (highest mean score of the point answering the validation records), or a combined rule: the first criterion, with points within tieWithin of the best tied and decided by the second',
      ),
    tieWithin: z
      .number()
      .nonnegative()
      .default(0)
      .describe('Combined rules: points this close to the best on the first criterion (nats of loss, or score on the 0..1 scale) count as tied and the second criterion decides'),
    validationSplit: z
      .number()
      .gt(0)
      .max(0.5)
      .optional()
      .describe('Without training.validationData: hold out this share of the training data as the validation split (ftrag data split logic: seeded, near-duplicate prompts kept on one side); the points train on the rest'),
  })
  .describe('Hyperparameter sweep: one customization job per point; the point with the best validation evidence is served');
export type SweepSpec = z.infer<typeof SweepSpec>;

export const TrainingSpec = z
  .object({
    baseModelId: z.string().describe('Base model id to customize, e.g. amazon.nova-micro-v1:0:128k'),
    trainingData: z.string().optional().describe('Training JSONL (path relative to the config, or s3://); for CONTINUED_PRE_TRAINING, {"input"} records (or use fromDocuments)'),
    fromDocuments: z
      .string()
      .optional()
      .describe('CONTINUED_PRE_TRAINING only: a folder of documents (the file types a Knowledge Base ingests) turned into {"input"} records within the model\'s per-record token limit, instead of trainingData'),
    recordTokens: z
      .number()
      .int()
      .min(16)
      .optional()
      .describe("fromDocuments: most tokens per {\"input\"} record (default 90% of the model's per-record limit for the batch size; never above it)"),
    validationData: z.string().optional(),
    customizationType: z.enum(['FINE_TUNING', 'CONTINUED_PRE_TRAINING']).default('FINE_TUNING'),
    hyperParameters: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
    roleArn: z.string().optional().describe('IAM role Bedrock assumes to read the data (required on AWS)'),
    outputS3Uri: z.string().optional(),
    dataS3Uri: z.string().optional().describe('Where to upload training data, e.g. s3://my-bucket/ftrag/'),
    sweep: SweepSpec.optional(),
  })
  .describe('Have ftrag train (or reuse) the custom model');

export const ServingSpec = z
  .object({
    type: z.enum(['on-demand', 'provisioned']).describe('Custom model deployment (on-demand) or provisioned throughput'),
    modelUnits: z.number().int().min(1).default(1),
    commitment: z.enum(['none', '1-month', '6-month']).default('none'),
  })
  .describe('How the custom model is served; decides its cost');

/** A SageMaker JumpStart model: fine-tuned in a training job (optional) and served from a real-time endpoint. */
export const SageMakerSpec = z
  .object({
    jumpStartModelId: z.string().describe('JumpStart model id, e.g. meta-textgeneration-llama-3-1-8b-instruct'),
    containerFormat: z.enum(['messages', 'tgi']).optional().describe("Request style of the endpoint's container: messages (OpenAI-compatible) or tgi (inputs/parameters); default from the model table"),
    endpointName: z.string().optional().describe('An existing endpoint to call: nothing is trained or deployed'),
    roleArn: z.string().optional().describe('SageMaker execution role (required on AWS)'),
    dataS3Uri: z.string().optional().describe('Where to upload training data, e.g. s3://my-bucket/ftrag/ (required on AWS)'),
    outputS3Uri: z.string().optional().describe('Where the training job writes the model artifact (default under dataS3Uri)'),
    trainingImageUri: z.string().optional().describe("JumpStart training image for the model and Region (required on AWS; the SageMaker Python SDK's image_uris.retrieve prints it)"),
    inferenceImageUri: z.string().optional().describe('Inference (TGI/LMI) image for the model and Region (required on AWS)'),
    modelArtifactsUri: z.string().optional().describe("S3 URI of JumpStart's base weights, given to the training job as its model channel (required on AWS)"),
    training: z
      .object({
        trainingData: z.string().describe('Training JSONL of prompt/completion records (path relative to the config); uploaded with a template.json for instruction tuning'),
        validationData: z.string().optional(),
        hyperParameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('JumpStart names: epoch, learning_rate, lora_r, lora_alpha, lora_dropout, max_input_length, ...'),
        instanceType: z.string().optional().describe("Training instance type; default the model table's"),
        instanceCount: z.number().int().min(1).default(1),
        maxRuntimeSeconds: z.number().int().positive().default(86_400),
      })
      .optional(),
    serving: z
      .object({
        instanceType: z.string().optional().describe("Endpoint instance type; default the model table's"),
        instanceCount: z.number().int().min(1).default(1),
        hoursPerDay: z.number().positive().max(24).default(24).describe('Hours a day the endpoint exists (24 = always on; fewer when it is deleted or scaled to zero outside working hours)'),
      })
      .default({ instanceCount: 1, hoursPerDay: 24 }),
  })
  .describe('Serve this system from a SageMaker real-time endpoint (JumpStart), instead of Bedrock');
export type SageMakerSpec = z.infer<typeof SageMakerSpec>;

/** Sizing every vector store may use; unset values are estimated from the corpus and labelled. */
const VectorSizing = {
  vectors: z.number().int().positive().optional().describe('Vectors (chunks) stored; estimated from the corpus when omitted'),
  dimensions: z.number().int().positive().optional().describe('Embedding dimensions; from the embedding model when omitted'),
  storageGb: z.number().positive().optional().describe('Stored vector data + metadata in GB; estimated from vectors x size when omitted'),
};

export const VectorStoreSpec = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('opensearch-serverless'), ocus: z.number().positive().default(2).describe('Indexing + search OCUs billed every hour'), ...VectorSizing }),
    z.object({
      type: z.literal('s3-vectors'),
      ...VectorSizing,
      indexes: z.number().int().positive().default(1).describe('Vector indexes the vectors are split over (query data is billed per index queried)'),
      filterableMetadataBytes: z.number().nonnegative().optional().describe('Filterable metadata per vector (counts toward query data processed)'),
    }),
    z.object({ type: z.literal('aurora-pgvector'), acus: z.number().positive().default(0.5).describe('Average Aurora Serverless v2 capacity units'), ...VectorSizing }),
    z.object({ type: z.literal('neptune-analytics'), mNcus: z.number().positive().optional().describe('Provisioned memory-optimized Neptune capacity units'), ...VectorSizing }),
    z.object({ type: z.literal('pinecone'), ...VectorSizing }),
    z.object({ type: z.literal('redis-enterprise'), ...VectorSizing }),
    z.object({ type: z.literal('mongodb-atlas'), ...VectorSizing }),
    z.object({ type: z.literal('none') }).describe('A store already paid for: no vector store cost'),
  ])
  .describe('Where the Knowledge Base stores its vectors; decides the vector store cost');
export type VectorStoreSpec = z.infer<typeof VectorStoreSpec>;
export const VECTOR_STORE_TYPES = ['opensearch-serverless', 's3-vectors', 'aurora-pgvector', 'neptune-analytics', 'pinecone', 'redis-enterprise', 'mongodb-atlas'] as const;

export const KnowledgeBaseSpec = z.object({
  id: z.string().optional().describe('Existing Knowledge Base id'),
  documents: z.string().optional().describe('Folder of documents to ingest (emulator) or s3:// prefix'),
  mode: z.enum(['retrieve-then-converse', 'retrieve-and-generate']).default('retrieve-then-converse'),
  numberOfResults: z.number().int().min(1).max(100).default(5),
  searchType: z.enum(['HYBRID', 'SEMANTIC']).optional(),
  promptTemplate: z.string().optional().describe('For retrieve-then-converse: $search_results$ and $query$ are substituted'),
  embeddingModelId: z.string().default('amazon.titan-embed-text-v2:0'),
  documentsSizeGb: z.number().optional().describe('Corpus size for ingestion cost; measured when documents is a folder'),
  vectorStore: VectorStoreSpec.optional().describe('Vector store of this Knowledge Base; default pricing.vectorStore, else OpenSearch Serverless (2 OCU), labelled assumed'),
});

export const SystemSpec = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash, underscore'),
  kind: SystemKindSchema,
  label: z.string().optional(),
  modelId: z
    .string()
    .optional()
    .describe('Base model id, inference profile, provisioned-model ARN or custom-model-deployment ARN'),
  generatorFrom: z.string().optional().describe('Use the model of another system (by id) as generator, e.g. RAG with the fine-tuned model'),
  pricingModelId: z.string().optional().describe('Base model whose prices apply (derived from modelId when a base id)'),
  training: TrainingSpec.optional(),
  serving: ServingSpec.optional(),
  knowledgeBase: KnowledgeBaseSpec.optional(),
  sagemaker: SageMakerSpec.optional(),
  execution: z.enum(['on-demand', 'batch']).default('on-demand'),
  batch: z
    .object({
      roleArn: z.string().optional().describe('IAM role Bedrock assumes for the batch job (required on AWS)'),
      s3Uri: z.string().optional().describe('Where batch input and output files go, e.g. s3://my-bucket/ftrag/ (required on AWS)'),
    })
    .optional()
    .describe('For execution: batch'),
  concurrency: z.number().int().min(1).optional(),
  requestsPerMinute: z.number().positive().optional(),
  tokensPerMinute: z.number().positive().optional(),
});
export type SystemSpec = z.infer<typeof SystemSpec>;

export const WorkloadSpec = z.object({
  monthlyQueries: z.number().nonnegative().default(100_000),
  horizonMonths: z.number().positive().default(12),
  retrainEveryMonths: z.number().positive().optional().describe('Retraining cadence; omit for train once'),
  knowledgeChangePerMonth: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe('Share of facts that change per month; drives re-ingestion and the freshness verdict'),
  reingestEveryMonths: z.number().positive().default(1),
  latencySloMs: z.number().positive().optional().describe('p95 latency objective'),
  accuracyTarget: z.number().min(0).max(1).optional().describe('Target for the primary metric'),
  monthlyBudgetUsd: z.number().positive().optional(),
  citationsRequired: z.boolean().default(false),
});
export type WorkloadSpec = z.infer<typeof WorkloadSpec>;

export const PriceOverride = z.object({
  modelId: z.string(),
  region: z.string().optional(),
  unit: z.string(),
  price: z.number().nonnegative(),
  source: z.string().default('user override'),
  asOf: z.string().optional(),
});

export const GateRule = z.object({
  type: z.enum(['floor', 'no-regression', 'latency-p95', 'cost-per-1k', 'error-rate', 'verdict-unchanged', 'agreement-floor', 'judge-preference', 'forgetting']).describe('agreement-floor and judge-preference apply to shadow runs'),
  system: z.string().optional().describe('System id; all systems when omitted'),
  metric: z.string().optional(),
  category: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  minEffect: z.number().nonnegative().optional().describe('Smallest regression that may fail the gate'),
  alpha: z.number().min(0).max(1).optional(),
});
export type GateRule = z.infer<typeof GateRule>;

export const GeneralSetSpec = z
  .object({
    evalSet: z
      .string()
      .optional()
      .describe('General-capability eval set (any eval-set format); default: the bundled SQuAD 2.0 reading set, eval-sets/general/squad-v2-general.jsonl'),
    evalSetFormat: z.enum(['jsonl', 'csv', 'bedrock-eval', 'bedrock-ft', 'bedrock-conversation', 'squad-v2']).optional(),
    limit: z.number().int().positive().optional().describe('Only the first N items (a cheaper check)'),
    metric: z.string().default('f1').describe('Metric compared between each fine-tuned system and the base model'),
    tolerance: z
      .number()
      .min(0)
      .max(1)
      .default(0.02)
      .describe('A significant loss larger than this (0..1 scale; 0.02 = 2 points) lowers confidence or rules the system out (onExceed)'),
    onExceed: z.enum(['lower-confidence', 'rule-out']).default('lower-confidence'),
    baseSystem: z.string().optional().describe('System id of the base model to compare with; default the first system of kind base'),
  })
  .describe('Catastrophic-forgetting check: a general eval set run on the base model and on every fine-tuned model');
export type GeneralSetSpec = z.infer<typeof GeneralSetSpec>;

export const TrainingHealthSpec = z
  .object({
    trainSample: z.number().int().min(0).default(30).describe('Training prompts re-asked to measure the train/test gap (0: off)'),
    maxGap: z.number().min(0).max(1).default(0.25).describe('Score on training prompts minus held-out score above this is flagged'),
    maxLossRatio: z.number().positive().default(3).describe('Final validation loss above this multiple of the final training loss (plus 0.1 nats) is flagged'),
  })
  .describe('Over-fitting checks on every fine-tuned system');
export type TrainingHealthSpec = z.infer<typeof TrainingHealthSpec>;

export const ExperimentConfig = z.object({
  $schema: z.string().optional(),
  name: z.string().default('experiment'),
  endpoint: z.enum(['emulator', 'aws']).default('emulator'),
  endpointUrl: z.string().url().optional().describe('Use an already running emulator instead of starting one in-process'),
  region: z.string().default('us-east-1'),
  seed: z.number().int().default(42),
  evalSet: z.string().describe('Held-out test set: JSONL, CSV, Bedrock evaluation/fine-tuning JSONL or SQuAD v2 JSON'),
  evalSetFormat: z.enum(['jsonl', 'csv', 'bedrock-eval', 'bedrock-ft', 'bedrock-conversation', 'squad-v2']).optional(),
  systems: z.array(SystemSpec).min(1),
  inference: z
    .object({
      maxTokens: z.number().int().min(1).default(256),
      temperature: z.number().min(0).max(1).default(0),
      system: z.string().optional(),
      streaming: z
        .boolean()
        .default(true)
        .describe('ConverseStream (true: time to first token is measured) or Converse (false: no first-token time)'),
    })
    .default({ maxTokens: 256, temperature: 0, streaming: true }),
  metrics: z.array(z.string()).default(['exact', 'f1', 'rougeL']),
  primaryMetric: z.string().default('f1'),
  judge: z.object({ modelId: z.string(), faithfulness: z.boolean().default(true) }).optional(),
  semantic: z.object({ modelId: z.string().default('amazon.titan-embed-text-v2:0') }).optional(),
  workload: WorkloadSpec.default(WorkloadSpec.parse({})),
  verdict: z
    .object({
      equivalenceMargin: z
        .number()
        .positive()
        .max(0.5)
        .default(0.02)
        .describe('Two systems within this much on the primary metric (0..1 scale; 0.02 = 2 points), shown by a paired TOST, are tied and cost decides'),
    })
    .default({ equivalenceMargin: 0.02 })
    .describe('How the verdict settles ties (docs/verdict.md)'),
  pricing: z
    .object({
      catalog: z.string().optional().describe('Replace the bundled price catalog'),
      overrides: z.array(PriceOverride).default([]),
      vectorStore: VectorStoreSpec.optional().describe('Vector store for every Knowledge Base without its own knowledgeBase.vectorStore'),
    })
    .default({ overrides: [] }),
  runner: z
    .object({
      concurrency: z.number().int().min(1).default(8),
      timeoutMs: z.number().int().positive().default(60_000),
      maxRetries: z.number().int().min(0).default(6),
      cache: z.boolean().default(true),
    })
    .default({ concurrency: 8, timeoutMs: 60_000, maxRetries: 6, cache: true }),
  gate: z.object({ rules: z.array(GateRule).default([]) }).optional(),
  generalSet: GeneralSetSpec.optional(),
  trainingHealth: TrainingHealthSpec.default({ trainSample: 30, maxGap: 0.25, maxLossRatio: 3 }),
  cleanup: z.enum(['keep', 'after-run']).default('keep').describe('after-run: delete provisioned throughput, deployments, Knowledge Bases and data sources ftrag created once the reports are written'),
  quotas: z
    .object({
      concurrentCustomizationJobs: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe("Your account's quota of model customization jobs in progress at once (Service Quotas, Amazon Bedrock). Sweeps run at most this many jobs; on the embedded emulator it is the emulated account's quota"),
    })
    .optional()
    .describe("The account's service quotas ftrag plans within"),
  budget: z
    .object({
      maxRunUsd: z.number().nonnegative().optional().describe('On endpoint aws: refuse (exit 2) before any billable call when the estimated cost of this run is above this'),
    })
    .optional(),
  emulator: z
    .object({
      latencyProfile: z.string().default('realistic'),
      faults: z.string().optional(),
      dataDir: z.string().optional(),
      invocationLogs: z
        .string()
        .regex(/^s3:\/\//, 'must be an s3://bucket/prefix URI')
        .optional()
        .describe("Turn on model invocation logging on the embedded emulator, delivered to this s3://bucket/prefix of the emulator's S3 (replay it with ftrag shadow)"),
    })
    .optional(),
});
export type ExperimentConfig = z.infer<typeof ExperimentConfig>;
export type ExperimentConfigInput = z.input<typeof ExperimentConfig>;
