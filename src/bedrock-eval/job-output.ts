/**
 * Reads the output of Amazon Bedrock Evaluations jobs, downloaded from S3 (`aws s3 sync s3://<output>/<job-name> DIR`).
 *
 * Layout (user guide, model-evaluation-report-s3): an automatic model evaluation job writes
 * `<output>/<job-name>/<job-uuid>/models/<model-id>/taskTypes/<task-type>/datasets/<dataset>/<file-uuid>_output.jsonl`,
 * and custom metric definitions under `<output>/<job-name>/<job-uuid>/custom_metrics/`. RAG evaluation jobs write the
 * same kind of JSON Lines files. Every `.jsonl` file under the folder given is read, except in custom_metrics/.
 *
 * Records (one JSON object a line):
 * - model evaluation: `{"automatedEvaluationResult": {"scores": [{"metricName", "result", "evaluatorDetails"?:
 *   [{"modelIdentifier", "explanation"}]}]}, "inputRecord": {the prompt dataset line: "prompt", "referenceResponse",
 *   "category", ...}, "modelResponses": [{"response", "modelIdentifier"}]}`;
 * - RAG evaluation: `{"conversationTurns": [{"inputRecord": {"prompt": {"content": [{"text"}]}, "referenceResponses"},
 *   "output": {"text", "modelIdentifier", "knowledgeBaseIdentifier", "retrievedPassages", "citations"},
 *   "results": [{"metricName", "result", "evaluatorDetails"?}]}]}`.
 * With bring-your-own-inference datasets the identifiers are the ones the dataset gave (`ftrag export bedrock-eval`
 * writes the ftrag system id there). Human-worker job output (`humanEvaluationResult`) is refused: it has no per-item
 * 0..1 score to compare.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InputError } from '../util/errors.js';

export type JobKind = 'model-evaluation' | 'rag-evaluation';

export interface JobScore {
  metricName: string;
  result: number | null;
  explanation?: string;
  /** JSON path of this score in the record, for error messages. */
  field: string;
}

export interface JobRecord {
  file: string;
  /** 1-based line in the file. */
  line: number;
  /** 0-based index among the file's records (blank lines skipped): the position the export's manifest refers to. */
  index: number;
  kind: JobKind;
  prompt: string;
  /** modelIdentifier (model job) or knowledgeBaseIdentifier (RAG job) the record names, if any. */
  sourceIdentifier?: string;
  /** Where sourceIdentifier came from, for error messages. */
  sourceField: string;
  /** The `models/<model-id>/` folder the file sits in, if it does. */
  pathModelId?: string;
  scores: JobScore[];
}

export interface CustomMetricDefinition {
  name: string;
  file: string;
  /** floatValue of each rating-scale entry, when the definition has a numeric scale. */
  scale: number[];
}

export interface JobOutput {
  files: string[];
  records: JobRecord[];
  customMetrics: Map<string, CustomMetricDefinition>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

async function walk(dir: string, out: { jsonl: string[]; custom: string[] }, inCustom: boolean): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await walk(path, out, inCustom || e.name === 'custom_metrics');
    else if (e.isFile() && inCustom && e.name.endsWith('.json')) out.custom.push(path);
    else if (e.isFile() && !inCustom && e.name.endsWith('.jsonl')) out.jsonl.push(path);
  }
}

function pathModelId(file: string, root: string): string | undefined {
  const parts = relative(root, file).split(sep);
  const at = parts.indexOf('models');
  return at >= 0 && at + 1 < parts.length - 1 ? parts[at + 1] : undefined;
}

function readScores(list: unknown, field: string, file: string, line: number): JobScore[] {
  if (!Array.isArray(list)) throw new InputError('is not a list of {metricName, result}', { file, line, field });
  return list.map((s, i) => {
    const f = `${field}[${i}]`;
    if (!isObject(s)) throw new InputError('is not an object {metricName, result}', { file, line, field: f });
    if (typeof s.metricName !== 'string' || s.metricName === '') throw new InputError('is missing or not a string', { file, line, field: `${f}.metricName` });
    if (!('result' in s)) throw new InputError('is missing (a number, or null when the metric did not apply)', { file, line, field: `${f}.result` });
    const result = s.result;
    if (result !== null && (typeof result !== 'number' || !Number.isFinite(result))) {
      throw new InputError(`is ${JSON.stringify(result)}, not a number or null`, { file, line, field: `${f}.result` });
    }
    const details = Array.isArray(s.evaluatorDetails) ? s.evaluatorDetails : [];
    const explanation = details.map((d) => (isObject(d) && typeof d.explanation === 'string' ? d.explanation : '')).find((x) => x !== '');
    return { metricName: s.metricName, result, explanation, field: `${f}.result` };
  });
}

function textOf(prompt: unknown): string | undefined {
  if (typeof prompt === 'string') return prompt;
  if (isObject(prompt) && Array.isArray(prompt.content)) {
    const texts = prompt.content.map((c) => (isObject(c) && typeof c.text === 'string' ? c.text : undefined)).filter((t): t is string => t !== undefined);
    return texts.length ? texts.join('\n') : undefined;
  }
  return undefined;
}

/** One line of a job output file as a record, or an error naming what the line is instead. */
export function parseJobRecord(doc: unknown, file: string, line: number, index: number, root: string): JobRecord {
  if (!isObject(doc)) throw new InputError('is not a JSON object', { file, line });
  const base = { file, line, index, pathModelId: pathModelId(file, root) };
  if ('humanEvaluationResult' in doc) {
    throw new InputError('is the output of a human-worker evaluation job; only automatic (LLM-as-judge or programmatic) job output has per-item scores to import', { file, line, field: 'humanEvaluationResult' });
  }
  if ('automatedEvaluationResult' in doc) {
    const aer = doc.automatedEvaluationResult;
    if (!isObject(aer)) throw new InputError('is not an object', { file, line, field: 'automatedEvaluationResult' });
    const scores = readScores(aer.scores, 'automatedEvaluationResult.scores', file, line);
    const input = doc.inputRecord;
    const prompt = isObject(input) ? textOf(input.prompt) : undefined;
    if (prompt === undefined) throw new InputError('is missing or not a string', { file, line, field: 'inputRecord.prompt' });
    const responses = Array.isArray(doc.modelResponses) ? doc.modelResponses : [];
    const ids = [...new Set(responses.map((r) => (isObject(r) && typeof r.modelIdentifier === 'string' ? r.modelIdentifier : '')).filter(Boolean))];
    if (ids.length > 1) throw new InputError(`holds responses of ${ids.length} models (${ids.join(', ')}); import one model per job`, { file, line, field: 'modelResponses' });
    return { ...base, kind: 'model-evaluation', prompt, sourceIdentifier: ids[0], sourceField: 'modelResponses[0].modelIdentifier', scores };
  }
  if ('conversationTurns' in doc) {
    const turns = doc.conversationTurns;
    if (!Array.isArray(turns) || turns.length === 0) throw new InputError('is not a non-empty list', { file, line, field: 'conversationTurns' });
    if (turns.length > 1) throw new InputError(`has ${turns.length} turns; an ftrag item is one question, so only single-turn records can be mapped back`, { file, line, field: 'conversationTurns' });
    const turn = turns[0];
    if (!isObject(turn)) throw new InputError('is not an object', { file, line, field: 'conversationTurns[0]' });
    if (!('results' in turn)) {
      throw new InputError('has no results: this is a prompt dataset (the job input), not the job output; pass the folder the job wrote to S3', { file, line, field: 'conversationTurns[0].results' });
    }
    const scores = readScores(turn.results, 'conversationTurns[0].results', file, line);
    const input = isObject(turn.inputRecord) ? turn.inputRecord : turn;
    const prompt = textOf(input.prompt);
    if (prompt === undefined) throw new InputError('is missing or has no text', { file, line, field: 'conversationTurns[0].inputRecord.prompt.content[0].text' });
    const output = isObject(turn.output) ? turn.output : isObject(input.output) ? input.output : undefined;
    const kb = output && typeof output.knowledgeBaseIdentifier === 'string' ? output.knowledgeBaseIdentifier : undefined;
    return { ...base, kind: 'rag-evaluation', prompt, sourceIdentifier: kb, sourceField: 'conversationTurns[0].output.knowledgeBaseIdentifier', scores };
  }
  if ('prompt' in doc && 'modelResponses' in doc) {
    throw new InputError('has no automatedEvaluationResult: this is a prompt dataset (the job input), not the job output; pass the folder the job wrote to S3', { file, line, field: 'automatedEvaluationResult' });
  }
  throw new InputError('is not an Amazon Bedrock evaluation job output record (no automatedEvaluationResult or conversationTurns)', { file, line });
}

async function readCustomMetric(file: string): Promise<CustomMetricDefinition> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new InputError(`not valid JSON: ${(err as Error).message}`, { file });
  }
  const def = isObject(doc) && isObject(doc.customMetricDefinition) ? doc.customMetricDefinition : doc;
  if (!isObject(def) || typeof def.name !== 'string' || def.name === '') throw new InputError('is missing or not a string', { file, field: 'customMetricDefinition.name' });
  const scale = (Array.isArray(def.ratingScale) ? def.ratingScale : [])
    .map((r) => (isObject(r) && isObject(r.value) && typeof r.value.floatValue === 'number' ? r.value.floatValue : undefined))
    .filter((v): v is number => v !== undefined);
  return { name: def.name, file, scale };
}

/** Every record under `paths` (folders or .jsonl files), in a fixed order: files sorted, lines in order. */
export async function readJobOutput(paths: string[]): Promise<JobOutput> {
  const files: { file: string; root: string }[] = [];
  const customFiles: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (!info) throw new InputError('does not exist', { file: p });
    if (info.isFile()) {
      files.push({ file: p, root: p });
      continue;
    }
    const found = { jsonl: [] as string[], custom: [] as string[] };
    await walk(p, found, false);
    if (found.jsonl.length === 0) throw new InputError('holds no .jsonl file: pass the folder an evaluation job wrote to S3 (after `aws s3 sync`) or one of its *_output.jsonl files', { file: p });
    files.push(...found.jsonl.map((file) => ({ file, root: p })));
    customFiles.push(...found.custom);
  }
  const customMetrics = new Map<string, CustomMetricDefinition>();
  for (const f of customFiles) {
    const def = await readCustomMetric(f);
    customMetrics.set(def.name, def);
  }
  const records: JobRecord[] = [];
  for (const { file, root } of files) {
    const lines = (await readFile(file, 'utf8')).split(/\r?\n/);
    let index = 0;
    lines.forEach((text, i) => {
      if (text.trim() === '') return;
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        throw new InputError(`not valid JSON (${(err as Error).message}); a truncated download? Sync the job output again`, { file, line: i + 1 });
      }
      records.push(parseJobRecord(doc, file, i + 1, index++, root));
    });
    if (index === 0) throw new InputError('holds no records', { file });
  }
  return { files: files.map((f) => f.file), records, customMetrics };
}
