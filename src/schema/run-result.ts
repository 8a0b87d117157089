/**
 * run.json, schema version 2: the one artifact reports and gates read. Its per-item results live in a sidecar JSONL
 * file beside it (`items`: path, count, sha256), one ItemResult a line in run item order, so no reader needs a whole
 * run in memory. v1 held them inline (`items: ItemResult[]`); read.ts migrates a v1 run in memory.
 * This zod schema is the single source: the TypeScript types are inferred from it and the committed
 * JSON Schema (`schema/run.v2.schema.json`; v1's file stays for older readers) is generated from it
 * (`npm run schema:generate`; a test checks they agree).
 * Within v2 fields may only be added (optional). Renaming or removing a field bumps SCHEMA_VERSION and adds a migration.
 */
import { z } from 'zod';
import { Interval } from './interval.js';
import { ShadowSummary } from './shadow.js';
import { GeneralSetResult, SageMakerInfo, TrainingInfo } from './training.js';

export * from './training.js';

export const SCHEMA_VERSION = 2 as const;

/** The sidecar's file name, beside run.json. */
export const ITEMS_FILE = 'items.jsonl';


export const MetricSummary = z
  .object({
    mean: z.number().describe('Mean over scored items, 0..1 for quality metrics'),
    ci95: Interval,
    n: z.number().int().describe('Items that have a score'),
    method: z.string().optional().describe('How ci95 was computed, e.g. wilson or bootstrap-percentile'),
  })
  .describe('A metric summary');
export type MetricSummary = z.infer<typeof MetricSummary>;

export const Percentiles = z.object({
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  mean: z.number(),
  n: z.number().int(),
  p95Ci95: Interval.optional().describe('Seeded percentile-bootstrap 95% interval of p95 (absent for runs written before it existed)'),
});
export type Percentiles = z.infer<typeof Percentiles>;

const TokenSummary = z.object({ mean: z.number(), total: z.number() });

export const CostLine = z.object({
  item: z.string().describe('What is being charged, e.g. "training", "storage", "input tokens"'),
  usd: z.number(),
  period: z.enum(['one-time', 'monthly', 'per-1k-queries', 'horizon']),
  basis: z.string().describe('The arithmetic, e.g. "8,000,000 tokens x $0.001 / 1k"'),
  source: z.string().optional().describe('Price source URL or note'),
  asOf: z.string().optional().describe('Date the price was stated'),
  unverified: z.boolean().optional(),
});
export type CostLine = z.infer<typeof CostLine>;

export const SystemCost = z.object({
  oneTimeUsd: z.number(),
  monthlyFixedUsd: z.number(),
  per1kQueriesUsd: z.number(),
  monthlyTotalUsd: z.number().describe('At the configured monthly volume'),
  horizonTotalUsd: z.number().describe('Over the configured horizon, including retraining and re-ingestion'),
  lines: z.array(CostLine),
  assumptions: z.array(z.string()),
  missingPrices: z.array(z.string()).describe('Prices the catalog lacks; the totals exclude them'),
  unverifiedPrices: z.array(z.string()),
  input: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('The cost-model input this was priced from (tokens, training, serving, knowledge base), so `ftrag report --prices` can re-price the run without calling any model'),
});
export type SystemCost = z.infer<typeof SystemCost>;


export const CategorySummary = z.object({
  n: z.number().int(),
  metrics: z.record(z.string(), MetricSummary),
});


export const SystemSummary = z.object({
  id: z.string(),
  kind: z.string().describe('base | fine-tuned | rag | rag-fine-tuned | ...'),
  modelId: z.string(),
  knowledgeBaseId: z.string().optional(),
  ragMode: z.string().optional(),
  items: z.number().int().describe('Items attempted'),
  errors: z.number().int().describe('Items that failed after retries'),
  retries: z.number().int(),
  throttles: z.number().int(),
  metrics: z.record(z.string(), MetricSummary),
  latencyMs: Percentiles.describe('Client wall time per answered call, from send to last byte (includes network and client overhead)'),
  serviceLatencyMs: Percentiles.optional().describe(
    "The service's own latency per answered call: Converse/ConverseStream metrics.latencyMs; for retrieve-then-converse, " +
      'the Retrieve time plus the Converse metrics.latencyMs. Absent when the service reports none (RetrieveAndGenerate, batch). ' +
      'SLO decisions use it when present.',
  ),
  firstTokenMs: Percentiles.optional().describe('Client time to the first text delta; streaming runs only'),
  streaming: z.boolean().optional().describe('True: calls used ConverseStream (first-token time measured); false: Converse'),
  connections: z
    .object({
      opened: z.number().int().describe('Connections (HTTP/2 sessions) this system\'s calls opened, warm-up included'),
      setupCalls: z.number().int().describe('Timed calls that had to open a connection (a reconnect); their set-up time is reported per item, not in latency'),
    })
    .optional()
    .describe('Connection use; absent when the transport does not report it'),
  tokens: z.object({
    input: TokenSummary,
    output: TokenSummary,
    estimated: z.boolean().describe('True when some counts were estimated with the tokenizer, not reported by the service'),
  }),
  byCategory: z.record(z.string(), CategorySummary),
  cost: SystemCost.optional(),
  training: TrainingInfo.optional(),
  sagemaker: SageMakerInfo.optional().describe('Present for a system served from a SageMaker endpoint (JumpStart)'),
  generalSet: GeneralSetResult.optional(),
});
export type SystemSummary = z.infer<typeof SystemSummary>;

export const Comparison = z.object({
  a: z.string().describe('System id'),
  b: z.string().describe('System id; difference is a minus b'),
  metric: z.string(),
  category: z.string().optional(),
  n: z.number().int(),
  meanA: z.number(),
  meanB: z.number(),
  difference: z.number(),
  ci95: Interval,
  pValue: z.number(),
  pAdjusted: z.number().describe('Holm-adjusted within its family (see family)'),
  method: z.string(),
  significant: z.boolean(),
  family: z.string().optional().describe('Holm family: one metric in one scope, e.g. "f1 overall" or "f1 in category x"'),
  equivalence: z
    .object({
      margin: z.number(),
      pValue: z.number().describe('TOST p-value (larger of the two one-sided p-values)'),
      ci90: Interval.describe('90% interval of the difference (Agresti-Min adjusted)'),
      equivalent: z.boolean().describe('True when |a - b| < margin is shown at alpha 0.05'),
    })
    .optional()
    .describe('Paired two one-sided tests of equivalence within the margin (quality metrics only)'),
  mde: z
    .object({
      value: z.number().nullable().describe('Paired minimum detectable difference at this n (alpha 0.05, power 0.8); null when none is detectable'),
      basis: z.string(),
      itemsToSettle: z.number().int().optional().describe('Items at which the observed pattern would show a difference or equivalence (80% power)'),
    })
    .optional(),
});
export type Comparison = z.infer<typeof Comparison>;

export const Verdict = z.enum(['base', 'fine-tuned', 'rag', 'rag-fine-tuned', 'inconclusive']);

export const BreakEven = z.object({
  a: z.string(),
  b: z.string(),
  monthlyQueries: z.number().nullable().describe('Volume above which a becomes cheaper than b; null when it never does'),
  note: z.string(),
});

export const CategoryVerdict = z.object({
  choice: Verdict,
  systemId: z.string().optional(),
  confidence: z.enum(['high', 'medium', 'low']),
  reasons: z.array(z.string()),
});

export const Recommendation = z.object({
  choice: Verdict,
  systemId: z.string().optional(),
  confidence: z.enum(['high', 'medium', 'low']),
  headline: z.string().describe('The verdict in one sentence'),
  reasons: z.array(z.string()),
  byCategory: z.record(z.string(), CategoryVerdict),
  breakEven: z.array(BreakEven),
  whatWouldChange: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type Recommendation = z.infer<typeof Recommendation>;

export const ContextRef = z.object({
  text: z.string(),
  uri: z.string().optional(),
  score: z.number().optional(),
});

export const ItemSystemResult = z.object({
  output: z.string(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  scores: z.record(z.string(), z.number().nullable()),
  judgeReasons: z.record(z.string(), z.string()).optional(),
  latencyMs: z.number().optional().describe('Client wall time of the call, send to last byte, without any connection set-up'),
  serviceLatencyMs: z.number().optional().describe("The service's own latency (see SystemSummary.serviceLatencyMs)"),
  firstTokenMs: z.number().optional(),
  connectionSetup: z.boolean().optional().describe('True when this call had to open a new connection'),
  connectionSetupMs: z
    .number()
    .optional()
    .describe('Time that connection took to open; left out of latencyMs and firstTokenMs, which measure a warm call'),
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  tokensEstimated: z.boolean().optional(),
  retries: z.number().int(),
  contexts: z.array(ContextRef).optional(),
  citations: z.array(z.object({ text: z.string(), uris: z.array(z.string()) })).optional(),
});
export type ItemSystemResult = z.infer<typeof ItemSystemResult>;

export const ItemResult = z.object({
  id: z.string(),
  category: z.string().optional(),
  prompt: z.string(),
  references: z.array(z.string()),
  results: z.record(z.string(), ItemSystemResult).describe('Keyed by system id'),
});
export type ItemResult = z.infer<typeof ItemResult>;

export const VectorStoreComparison = z.object({
  configured: z.string().describe('Store the RAG systems were priced on'),
  assumed: z.boolean().describe('True when no config named a store and OpenSearch Serverless was assumed'),
  baseline: z.object({ choice: z.string(), systemId: z.string().optional() }),
  stores: z.array(
    z.object({
      type: z.string(),
      label: z.string(),
      systems: z.array(
        z.object({
          id: z.string(),
          vectorStoreMonthlyUsd: z.number().describe('Monthly vector store cost at the configured volume (fixed + per-query)'),
          monthlyTotalUsd: z.number(),
          horizonTotalUsd: z.number(),
          missingPrices: z.array(z.string()),
          unverifiedPrices: z.array(z.string()),
        }),
      ),
      choice: z.string(),
      systemId: z.string().optional(),
      verdictChanged: z.boolean(),
    }),
  ),
});
export type VectorStoreComparison = z.infer<typeof VectorStoreComparison>;

export const ImportedMetric = z.object({
  name: z.string().describe('The metric name in this run, e.g. bedrock.correctness'),
  bedrockName: z.string().describe('The metricName in the job output, e.g. Builtin.Correctness'),
  higherIsBetter: z.boolean().describe('False for harmfulness, stereotyping, refusal and toxicity: compared, never used for a verdict'),
  custom: z.boolean().optional().describe('A custom metric defined in the job\'s custom_metrics/ folder'),
  systems: z.array(z.string()),
  scored: z.record(z.string(), z.number().int()).describe('Per system: items with a score from the job'),
  notApplicable: z.record(z.string(), z.number().int()).describe('Per system: items the job returned with result null (the metric did not apply)'),
  notReturned: z.record(z.string(), z.number().int()).describe('Per system: answered items the job output has no record for (left unscored)'),
  failedAsZero: z.record(z.string(), z.number().int()).describe('Per system: items the system failed on, scored 0 as every ftrag metric scores a failure (higher-is-better metrics only)'),
});

export const BedrockEvalImport = z.object({
  source: z.literal('bedrock-eval'),
  importedAt: z.string().describe('ISO 8601'),
  files: z.array(
    z.object({
      path: z.string(),
      kind: z.enum(['model-evaluation', 'rag-evaluation']),
      system: z.string(),
      records: z.number().int(),
      byLineOrder: z.number().int().describe('Records mapped by the export manifest (line k = the manifest\'s k-th item) whose prompt matched'),
      byPrompt: z.number().int().describe('Records whose line did not match the manifest (or no manifest) and were mapped by their prompt text'),
    }),
  ),
  manifest: z.string().optional().describe('The export manifest used to map lines to items; absent when records were matched by prompt only'),
  metrics: z.array(ImportedMetric),
  skippedMetrics: z.array(z.object({ bedrockName: z.string(), records: z.number().int(), reason: z.string() })),
  mismatches: z
    .array(z.object({ file: z.string(), line: z.number().int(), manifestItemId: z.string(), itemId: z.string() }))
    .describe('Records whose prompt differed from the manifest\'s item for their line, and the item their prompt matched (first 50)'),
  mismatchCount: z.number().int(),
  primaryMetricBefore: z.string().optional().describe('Set when --primary moved the verdict to an imported metric'),
  verdicts: z
    .array(z.object({ metric: z.string(), choice: Verdict, systemId: z.string().optional(), confidence: z.enum(['high', 'medium', 'low']), headline: z.string() }))
    .describe('The verdict the same rule reaches when each imported higher-is-better metric is the primary metric'),
});
export type BedrockEvalImport = z.infer<typeof BedrockEvalImport>;

export const ItemsRef = z
  .object({
    path: z
      .string()
      .regex(/^(?!\.\.?$)[^/\\]+$/, 'a file name beside run.json (no folders)')
      .describe('The sidecar JSONL file, a name in run.json\'s folder'),
    count: z.number().int().nonnegative().describe('Lines (items) in the file'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('sha256 of the file\'s bytes'),
  })
  .strict()
  .describe('Per-item results: one ItemResult a line, in run item order');
export type ItemsRef = z.infer<typeof ItemsRef>;

export const RunResult = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  kind: z
    .enum(['experiment', 'shadow'])
    .optional()
    .describe('experiment (absent = experiment): a held-out set against every system; shadow: logged production traffic replayed through a candidate'),
  runId: z.string(),
  createdAt: z.string().describe('ISO 8601'),
  finishedAt: z.string().optional(),
  status: z.enum(['completed', 'partial']),
  tool: z.object({ name: z.literal('ftrag'), version: z.string() }),
  endpoint: z.object({
    kind: z.enum(['emulator', 'aws']),
    region: z.string(),
    emulated: z.boolean().describe('True when answers came from the emulator reference model (or any non-AWS endpoint)'),
    url: z.string().optional(),
    nonAws: z
      .array(z.object({ client: z.string(), url: z.string(), source: z.string().describe('config, AWS_ENDPOINT_URL_<ID> or AWS_ENDPOINT_URL') }))
      .optional()
      .describe('Clients whose resolved endpoint is not an AWS host, with where that endpoint was set'),
  }),
  seed: z.number().int(),
  config: z.record(z.string(), z.unknown()).describe('The resolved experiment config, with no secrets'),
  evalSet: z.object({
    name: z.string(),
    path: z.string(),
    format: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    categories: z.array(z.string()),
  }),
  priceCatalog: z.object({
    id: z.string(),
    date: z.string(),
    overrides: z.array(z.string()),
    unverified: z.array(z.string()),
    repricedFrom: z
      .object({ id: z.string(), date: z.string(), choice: z.string(), systemId: z.string().optional() })
      .optional()
      .describe('Set by `ftrag report --prices`: the catalog and verdict the run was first priced with'),
  }),
  vectorStores: VectorStoreComparison.optional().describe('What the RAG systems would cost on each vector store, and whether the verdict would change'),
  primaryMetric: z.string(),
  metrics: z.array(z.string()).describe('Metric names scored in this run'),
  systems: z.array(SystemSummary),
  comparisons: z.array(Comparison),
  minimumDetectableDifference: z
    .object({ metric: z.string(), n: z.number().int(), value: z.number(), note: z.string() })
    .optional(),
  recommendation: Recommendation.optional(),
  contamination: z
    .object({
      trainingFile: z.string(),
      checked: z.number().int(),
      exact: z.number().int(),
      near: z.number().int(),
      threshold: z.number(),
      pairs: z.array(
        z.object({
          itemId: z.string(),
          trainingLine: z.number().int(),
          similarity: z.number(),
          match: z.enum(['exact', 'near']).optional(),
          field: z.enum(['prompt', 'reference']).optional(),
        }),
      ),
    })
    .optional(),
  generalSet: z
    .object({
      name: z.string(),
      path: z.string(),
      size: z.number().int(),
      sha256: z.string(),
      metric: z.string(),
      onExceed: z.enum(['lower-confidence', 'rule-out']),
      systems: z.array(z.string()).describe('Systems that answered it'),
      means: z.record(z.string(), z.number()).describe('Mean of the metric per system'),
    })
    .optional()
    .describe('The general-capability set run beside the domain set (config generalSet)'),
  notes: z.array(z.string()).describe('Run-level notes: emulator banner, retries, estimated tokens'),
  imports: z
    .array(BedrockEvalImport)
    .optional()
    .describe('Metrics added after the run from Amazon Bedrock Evaluations job output (`ftrag import bedrock-eval`), oldest first'),
  shadow: ShadowSummary.optional().describe('Present when kind is shadow: the reference-free comparison with production'),
  items: ItemsRef,
});
export type RunResult = z.infer<typeof RunResult>;

/** A run without its items reference: what readers take beside an ItemStream, and what a writer is given. */
export type RunSummary = Omit<RunResult, 'items'>;
export const RunSummary = RunResult.omit({ items: true });
