/**
 * `ftrag score`: score answers produced elsewhere against an eval set, without calling any system under test.
 * Prints per-metric means with 95% intervals (Wilson for binary metrics, seeded bootstrap otherwise), overall
 * and per category, and lists eval items that had no prediction (scored as the empty answer).
 */
import type { Argv } from 'yargs';
import type { CommandModule } from '../command.js';
import { InputError } from '../../util/errors.js';
import { EVAL_SET_FORMATS, loadEvalSet } from '../../datasets/load.js';
import type { EvalSetFormat } from '../../datasets/types.js';
import { checkAwsCredentials, createAwsClients, type AwsClients } from '../../targets/clients.js';
import { createScorers, isBinaryMetric, readPredictions, scoreOne, METRIC_NAMES, type Scorer } from '../../scoring/index.js';
import { summarizeMetric } from '../../stats/index.js';
import type { MetricSummary } from '../../schema/run-result.js';

const DEFAULT_METRICS = 'exact,f1,rougeL';
const BOOTSTRAP_SEED = 42;
const BOOTSTRAP_RESAMPLES = 10_000;
const MODEL_BACKED = new Set(['semantic', 'Builtin.Correctness', 'Builtin.Faithfulness']);
/** Model-backed metrics are network-bound: this many items are scored at once. */
const MODEL_CONCURRENCY = 8;

interface Row {
  category?: string;
  scores: Record<string, number | null>;
}

export interface ScoreReport {
  evalSet: { name: string; path: string; format: string; sha256: string };
  n: number;
  scored: number;
  missing: string[];
  metrics: Record<string, MetricSummary | null>;
  byCategory: Record<string, { n: number; metrics: Record<string, MetricSummary | null> }>;
}

function parseMetricList(raw: unknown): string[] {
  const names = String(raw ?? DEFAULT_METRICS)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new InputError('no metrics named', { field: 'metrics' });
  return [...new Set(names)];
}

function summarizeRows(rows: readonly Row[], metrics: readonly string[]): Record<string, MetricSummary | null> {
  const out: Record<string, MetricSummary | null> = {};
  for (const m of metrics) {
    const values = rows.map((r) => r.scores[m]);
    // A metric that applied to no item (e.g. regex without metadata.regex) has no mean: null, not 0.
    out[m] = values.some((v) => typeof v === 'number')
      ? summarizeMetric(values, { binary: isBinaryMetric(m), seed: BOOTSTRAP_SEED, resamples: BOOTSTRAP_RESAMPLES })
      : null;
  }
  return out;
}

async function scoreAll(scorers: Scorer[], inputs: Parameters<typeof scoreOne>[1][], modelBacked: boolean): Promise<Row[]> {
  const rows: Row[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++;
      const { scores } = await scoreOne(scorers, inputs[i]);
      rows[i] = { category: inputs[i].item.category, scores };
    }
  };
  await Promise.all(Array.from({ length: modelBacked ? MODEL_CONCURRENCY : 1 }, worker));
  return rows;
}

export async function scoreFiles(args: Record<string, unknown>): Promise<ScoreReport> {
  const metricNames = parseMetricList(args.metrics);
  const unknown = metricNames.filter((m) => !(METRIC_NAMES as readonly string[]).includes(m));
  if (unknown.length > 0) {
    throw new InputError(`unknown metric(s) ${unknown.map((m) => `"${m}"`).join(', ')}; known: ${METRIC_NAMES.join(', ')}`, {
      field: 'metrics',
    });
  }
  const evalSet = await loadEvalSet(String(args.evalSet), { format: args.format as EvalSetFormat | undefined });
  const predictionsPath = String(args.predictions);
  const predictions = await readPredictions(predictionsPath);

  const known = new Set(evalSet.items.map((it) => it.id));
  const strays = [...predictions.keys()].filter((id) => !known.has(id));
  if (strays.length > 0) {
    const shown = strays.slice(0, 5).map((id) => `"${id}"`).join(', ');
    throw new InputError(`${strays.length} prediction(s) for ids not in the eval set ${evalSet.path}: ${shown}${strays.length > 5 ? ', ...' : ''}`, {
      file: predictionsPath,
      field: 'id',
    });
  }

  const needsModel = metricNames.some((m) => MODEL_BACKED.has(m));
  let clients: AwsClients | undefined;
  try {
    if (needsModel) {
      const region = String(args.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1');
      const endpointUrl = args.endpointUrl === undefined ? undefined : String(args.endpointUrl);
      if (endpointUrl === undefined) {
        const which = metricNames.filter((m) => MODEL_BACKED.has(m)).join(', ');
        await checkAwsCredentials(
          region,
          `or score against ftrag's emulator: start \`npx ftrag emulator --port 4566\` and pass --endpoint-url http://127.0.0.1:4566 (${which} call${which.includes(',') ? '' : 's'} a Bedrock model)`,
        );
      }
      // No runner here to retry, so the SDK's own retries are on.
      clients = createAwsClients({ region, endpointUrl, maxAttempts: 3 });
    }
    const scorers = createScorers(metricNames, {
      runtime: clients?.runtime,
      judgeModelId: args.judgeModel === undefined ? undefined : String(args.judgeModel),
      embeddingModelId: args.embeddingModel === undefined ? undefined : String(args.embeddingModel),
      cacheDir: args.cacheDir === undefined ? undefined : String(args.cacheDir),
    });
    const missing: string[] = [];
    const inputs = evalSet.items.map((item) => {
      const output = predictions.get(item.id);
      if (output === undefined) missing.push(item.id);
      return { item, output: output ?? '' };
    });
    const rows = await scoreAll(scorers, inputs, needsModel);

    const categories = [...new Set(rows.map((r) => r.category).filter((c): c is string => c !== undefined))].sort();
    const byCategory: ScoreReport['byCategory'] = {};
    for (const cat of categories) {
      const group = rows.filter((r) => r.category === cat);
      byCategory[cat] = { n: group.length, metrics: summarizeRows(group, metricNames) };
    }
    return {
      evalSet: { name: evalSet.name, path: evalSet.path, format: evalSet.format, sha256: evalSet.sha256 },
      n: rows.length,
      scored: rows.length - missing.length,
      missing,
      metrics: summarizeRows(rows, metricNames),
      byCategory,
    };
  } finally {
    clients?.destroy();
  }
}

function fmt(s: MetricSummary | null): string {
  if (!s) return 'n/a';
  return `${s.mean.toFixed(4)}  [${s.ci95[0].toFixed(4)}, ${s.ci95[1].toFixed(4)}]  n=${s.n}`;
}

function renderText(r: ScoreReport): string {
  const lines = [`${r.evalSet.name}: ${r.n} items, ${r.scored} with predictions, ${r.missing.length} missing (scored as "")`];
  for (const [m, s] of Object.entries(r.metrics)) lines.push(`  ${m.padEnd(22)} ${fmt(s)}`);
  for (const [cat, c] of Object.entries(r.byCategory)) {
    lines.push(`  [${cat}] n=${c.n}`);
    for (const [m, s] of Object.entries(c.metrics)) lines.push(`    ${m.padEnd(20)} ${fmt(s)}`);
  }
  return `${lines.join('\n')}\n`;
}

const command: CommandModule = {
  command: 'score',
  describe: 'Score answers produced elsewhere against an eval set',
  builder: (y: Argv) =>
    y
      .option('eval-set', { type: 'string', demandOption: true, describe: 'Eval set (JSONL, CSV, Bedrock JSONL or SQuAD v2 JSON)' })
      .option('predictions', {
        type: 'string',
        demandOption: true,
        describe: 'JSONL {id, output|prediction|answer} per line, or a JSON object {id: answer}',
      })
      .option('metrics', { type: 'string', default: DEFAULT_METRICS, describe: `Comma-separated: ${METRIC_NAMES.join(', ')}` })
      .option('format', { type: 'string', choices: EVAL_SET_FORMATS as string[], describe: 'Eval-set format (detected when omitted)' })
      .option('json', { type: 'boolean', default: true, describe: 'Print JSON (--no-json prints a table)' })
      .option('judge-model', { type: 'string', describe: 'Model id for Builtin.Correctness / Builtin.Faithfulness' })
      .option('embedding-model', { type: 'string', describe: 'Embedding model id for semantic (default amazon.titan-embed-text-v2:0)' })
      .option('region', { type: 'string', describe: 'AWS region for model-backed metrics' })
      .option('endpoint-url', { type: 'string', describe: 'Bedrock-compatible endpoint (e.g. the emulator) for model-backed metrics' })
      .option('cache-dir', { type: 'string', describe: 'Keep embedding and judge replies here across runs' }),
  run: async (args) => {
    const report = await scoreFiles(args);
    process.stdout.write(args.json === false ? renderText(report) : `${JSON.stringify(report, null, 2)}\n`);
    return 0;
  },
};
export default command;
