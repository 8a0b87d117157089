/**
 * `ftrag data validate|split|check`: training-data validation per model, a held-out split that keeps duplicates
 * together, and contamination / KB-coverage / statistics checks.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandModule } from '../command.js';
import { InputError } from '../../util/errors.js';
import { checkContamination, type ContaminationReport } from '../../datasets/contamination.js';
import { checkCoverage, readKbChunks, type CoverageReport } from '../../datasets/coverage.js';
import type { Distribution } from '../../datasets/distribution.js';
import { EVAL_SET_FORMATS, loadEvalSet } from '../../datasets/load.js';
import { splitDataset } from '../../datasets/split.js';
import { datasetStats, type DatasetStats } from '../../datasets/stats.js';
import { loadTrainingData } from '../../datasets/training.js';
import type { EvalSetFormat } from '../../datasets/types.js';
import { validateTrainingData, type ValidationReport } from '../../datasets/validate.js';
import { CONVERT_FORMATS, convertDataset, convertedPath, detectConvertibleFormat, trainingFormatForModel, type ConvertFormat } from '../../datasets/convert.js';

const MAX_PRINTED_PROBLEMS = 200;

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function need<T>(value: T | undefined, flag: string, action: string): T {
  if (value === undefined || value === '') throw new InputError(`ftrag data ${action} needs ${flag}`, { field: flag });
  return value;
}

function ratio(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InputError(`${flag} must be a number, got "${String(value)}"`, { field: flag });
  return n;
}

function dist(d: Distribution): string {
  return `p50 ${d.p50} / p95 ${d.p95} / max ${d.max}`;
}

const MAX_GROUPS = 50;
const LINES_SHOWN = 5;

/**
 * One line per kind of problem (severity, file, field, message), with its count and first line numbers. A kind seen
 * on one line only prints as the plain located message. Per-line figures (token counts) and parenthesised details
 * (a JSON parser's wording) do not split a kind; the first occurrence's wording is shown.
 */
export function groupProblems(problems: ValidationReport['problems']): string[] {
  const groups = new Map<string, { first: ValidationReport['problems'][number]; lines: number[] }>();
  for (const p of problems) {
    const kind = p.line !== undefined ? p.message.replace(/\s*\(.*\)\s*$/, '').replace(/\d[\d,.]*/g, 'N') : p.message;
    const key = `${p.severity}|${p.file}|${p.field ?? ''}|${kind}`;
    const g = groups.get(key) ?? { first: p, lines: [] };
    if (p.line !== undefined) g.lines.push(p.line);
    groups.set(key, g);
  }
  return [...groups.values()].map(({ first: p, lines }) => {
    const many = lines.length > 1;
    const where = [p.file, !many && p.line !== undefined ? `line ${p.line}` : undefined, p.field ? `field "${p.field}"` : undefined].filter(Boolean).join(', ');
    const head = `${p.severity.toUpperCase().padEnd(7)} ${where}: ${p.message}`;
    if (!many) return head;
    const shown = lines.slice(0, LINES_SHOWN).join(', ') + (lines.length > LINES_SHOWN ? ', …' : '');
    return `${head}  — on ${lines.length} lines (${shown})`;
  });
}

const FORMAT_HINTS: Record<string, string> = {
  jsonl: 'an ftrag eval set (prompt/reference): a held-out set should not be trained on',
  'bedrock-eval': 'a Bedrock evaluation dataset (prompt/referenceResponse): a held-out set should not be trained on',
  csv: 'a CSV eval set',
  'squad-v2': 'SQuAD JSON',
  'prompt-completion': '{prompt, completion} training data',
  'bedrock-conversation-2024': 'bedrock-conversation-2024 training data',
  'claude-messages': 'Claude-style messages training data',
};

async function printValidation(r: ValidationReport, file: string): Promise<void> {
  const groups = groupProblems(r.problems);
  for (const g of groups.slice(0, MAX_GROUPS)) out(g);
  if (groups.length > MAX_GROUPS) out(`... and ${groups.length - MAX_GROUPS} more kind(s) of problem; use --json for all`);
  if (!r.ok) {
    const looks = await detectConvertibleFormat(file);
    const needed = (() => {
      try {
        return trainingFormatForModel(r.modelId);
      } catch {
        return undefined;
      }
    })();
    if (looks && needed && looks !== needed) {
      out(`hint: this file looks like ${FORMAT_HINTS[looks] ?? looks}; ${r.family} trains on ${needed}. Convert it: ftrag data convert ${file} --model ${r.modelId}`);
    }
  }
  out('');
  out(`Model ${r.modelId} (${r.family}), ${r.customizationType}, format ${r.format}`);
  for (const f of [r.training, r.validation]) {
    if (!f) continue;
    out(`  ${f.file}: ${f.records} records, ${f.bytes} bytes; tokens per record ${dist(f.tokens.total)} (${r.tokenizer}), total ${f.tokens.total.total}`);
  }
  for (const n of r.notes) out(`  note: ${n}`);
  out(`${r.ok ? 'OK' : 'FAIL'}: ${r.errors} error(s), ${r.warnings} warning(s)${r.ok ? '' : ' — this data would fail the customization job'}`);
}

function printCheck(stats: DatasetStats, contamination?: ContaminationReport, coverage?: CoverageReport): void {
  out(`Dataset statistics (tokens: ${stats.tokenizer})`);
  if (stats.training) {
    const t = stats.training;
    out(`  training  ${t.file}: ${t.records} records; prompt tokens ${dist(t.promptTokens)}; completion tokens ${dist(t.completionTokens)}`);
  }
  const e = stats.evalSet;
  out(`  eval set  ${e.name}: ${e.items} items (${e.unanswerable} unanswerable); prompt tokens ${dist(e.promptTokens)}; reference tokens ${dist(e.referenceTokens)}`);
  const cats = Object.entries(e.categories);
  if (cats.length) out(`  categories: ${cats.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (contamination) {
    const c = contamination;
    out('');
    out(`Contamination (near-duplicate threshold ${c.threshold}): ${c.exact + c.near} of ${c.checked} items (${c.exact} exact, ${c.near} near)`);
    for (const p of c.pairs.slice(0, MAX_PRINTED_PROBLEMS)) {
      out(`  ${p.itemId}  ${p.field} ${p.match}  training line ${p.trainingLine}  similarity ${p.similarity.toFixed(3)}`);
    }
    if (c.pairs.length > MAX_PRINTED_PROBLEMS) out(`  ... and ${c.pairs.length - MAX_PRINTED_PROBLEMS} more pair(s); use --json for all`);
  }
  if (coverage) {
    const k = coverage;
    out('');
    out(`KB coverage (threshold ${k.threshold}): ${k.covered} of ${k.checked} answerable items (${(k.share * 100).toFixed(1)}%) found in ${k.documents} document(s), ${k.chunks} chunk(s)`);
    for (const [cat, v] of Object.entries(k.byCategory)) out(`  ${cat}: ${v.covered}/${v.checked} (${(v.share * 100).toFixed(1)}%)`);
  }
}

async function runValidate(args: Record<string, unknown>): Promise<number> {
  const file = need(args.file as string | undefined, 'FILE', 'validate');
  const type = (args.type as string | undefined) ?? 'fine-tuning';
  if (type !== 'fine-tuning' && type !== 'continued-pre-training') {
    throw new InputError(`--type must be fine-tuning or continued-pre-training, got "${type}"`, { field: 'type' });
  }
  const report = await validateTrainingData(file, {
    modelId: need(args.model as string | undefined, '--model', 'validate'),
    customizationType: type,
    validationFile: args.validation as string | undefined,
  });
  if (args.json) out(JSON.stringify(report, null, 2));
  else await printValidation(report, file);
  return report.ok ? 0 : 2;
}

async function runSplit(args: Record<string, unknown>): Promise<number> {
  const file = need(args.file as string | undefined, 'FILE', 'split');
  const result = await splitDataset(file, {
    test: need(ratio(args.test, '--test'), '--test', 'split'),
    validation: ratio(args.validation, '--validation'),
    stratify: args.stratify as string | undefined,
    seed: args.seed as number | undefined,
    outDir: args.out as string | undefined,
    nearDuplicateThreshold: ratio(args.threshold, '--threshold'),
  });
  if (args.json) {
    out(JSON.stringify(result, null, 2));
    return 0;
  }
  for (const [side, path] of Object.entries(result.files)) out(`${side.padEnd(10)} ${String(result.counts[side as keyof typeof result.counts]).padStart(7)}  ${path}`);
  out(`${result.groups} groups; ${result.duplicateGroups} group(s) of duplicate or near-duplicate prompts (${result.groupedRecords} records) kept on one side`);
  if (Object.keys(result.strata).length > 1) {
    for (const [s, c] of Object.entries(result.strata)) out(`  ${s}: train ${c.train}, validation ${c.validation}, test ${c.test}`);
  }
  return 0;
}

async function runCheck(args: Record<string, unknown>): Promise<number> {
  const evalPath = need((args['eval-set'] ?? args.file) as string | undefined, '--eval-set', 'check');
  const trainPath = args.train as string | undefined;
  const kbDir = args.kb as string | undefined;
  if (!trainPath && !kbDir) throw new InputError('ftrag data check needs --train and/or --kb', { field: '--train' });
  const threshold = ratio(args.threshold, '--threshold') ?? 0.8;
  if (!(threshold > 0 && threshold <= 1)) throw new InputError(`--threshold must be in (0, 1], got ${threshold}`, { field: 'threshold' });
  const format = args.format as EvalSetFormat | undefined;
  if (format !== undefined && !EVAL_SET_FORMATS.includes(format)) throw new InputError(`--format must be one of ${EVAL_SET_FORMATS.join(', ')}`, { field: 'format' });
  const evalSet = await loadEvalSet(evalPath, { format });
  const train = trainPath ? await loadTrainingData(trainPath) : undefined;
  const contamination = train ? checkContamination(train, evalSet, { threshold }) : undefined;
  const coverage = kbDir ? checkCoverage(evalSet, { folder: resolve(kbDir), ...(await readKbChunks(kbDir)) }, { threshold }) : undefined;
  const stats = datasetStats(evalSet, train);
  if (args.json) out(JSON.stringify({ stats, contamination, coverage }, null, 2));
  else printCheck(stats, contamination, coverage);
  const contaminated = contamination ? contamination.exact + contamination.near > 0 : false;
  return args.strict && contaminated ? 1 : 0;
}

async function runConvert(args: Record<string, unknown>): Promise<number> {
  const file = need(args.file as string | undefined, 'FILE', 'convert');
  const to = args.to as string | undefined;
  const model = args.model as string | undefined;
  if (!to && !model) throw new InputError(`ftrag data convert needs --to FORMAT (${CONVERT_FORMATS.join(', ')}) or --model ID (the training format that model needs)`, { field: '--to' });
  if (to && !(CONVERT_FORMATS as readonly string[]).includes(to)) throw new InputError(`--to must be one of ${CONVERT_FORMATS.join(', ')}, got "${to}"`, { field: '--to' });
  const format = (to as ConvertFormat | undefined) ?? trainingFormatForModel(model as string);
  const outFile = resolve((args.out as string | undefined) ?? convertedPath(file, format));
  if (!args.force && existsSync(outFile)) throw new InputError('already exists; ftrag data convert never overwrites (pass --force or another --out)', { file: outFile, field: '--out' });
  const result = await convertDataset(file, format);
  await writeFile(outFile, result.text);
  out(`${file} (${result.sourceFormat}) -> ${outFile} (${result.format}): ${result.records} record(s)`);
  for (const n of result.notes) out(`  note: ${n}`);
  if (model) out(`next: ftrag data validate ${outFile} --model ${model}`);
  return 0;
}

const command: CommandModule = {
  command: 'data <action> [file]',
  describe: 'Validate training data, split a held-out set, check contamination and KB coverage',
  builder: (y) =>
    y
      .positional('action', { choices: ['validate', 'convert', 'split', 'check'] as const, describe: 'validate | convert | split | check' })
      .positional('file', { type: 'string', describe: 'Training data (validate), data to convert (convert), data to split (split)' })
      .option('to', { type: 'string', describe: `convert: target format (${CONVERT_FORMATS.join(', ')})` })
      .option('force', { type: 'boolean', default: false, describe: 'convert: replace an existing output file' })
      .option('model', { type: 'string', describe: 'validate: base model id, e.g. amazon.nova-micro-v1:0:128k; convert: write the training format this model needs' })
      .option('type', { type: 'string', describe: 'validate: fine-tuning | continued-pre-training', default: 'fine-tuning' })
      .option('validation', { type: 'string', describe: 'validate: validation FILE; split: share for validation (e.g. 0.1)' })
      .option('test', { type: 'number', describe: 'split: share for the test set (e.g. 0.2)' })
      .option('stratify', { type: 'string', describe: 'split: field to stratify by, e.g. category' })
      .option('seed', { type: 'number', default: 42, describe: 'split: random seed' })
      .option('out', { type: 'string', describe: 'split: output folder (default: next to the input); convert: output file' })
      .option('train', { type: 'string', describe: 'check: training data JSONL' })
      .option('eval-set', { type: 'string', describe: 'check: held-out eval set' })
      .option('format', { type: 'string', describe: 'check: eval-set format (detected when omitted)' })
      .option('kb', { type: 'string', describe: 'check: Knowledge Base documents folder' })
      .option('threshold', { type: 'number', describe: 'check/split: similarity threshold (default 0.8)' })
      .option('strict', { type: 'boolean', default: false, describe: 'check: exit 1 when contamination is found' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON instead of text' }),
  run: async (args) => {
    switch (args.action) {
      case 'validate':
        return runValidate(args);
      case 'convert':
        return runConvert(args);
      case 'split':
        return runSplit(args);
      case 'check':
        return runCheck(args);
      default:
        throw new InputError(`unknown action "${String(args.action)}"; use validate, convert, split or check`, { field: 'action' });
    }
  },
};
export default command;
