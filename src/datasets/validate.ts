/**
 * validateTrainingData: checks a training (and validation) JSONL file against the base model's Bedrock format and
 * quotas before a job is started, and reports every problem with its line instead of stopping at the first.
 * Token counts use cl100k_base and are labelled as estimates: each model family has its own tokenizer.
 */
import { stat } from 'node:fs/promises';
import { countTokens, TOKENIZER_NAME } from '../util/tokenizer.js';
import { cptRecordLimit } from '../models/index.js';
import { InputError } from '../util/errors.js';
import { distribution, type Distribution } from './distribution.js';
import { readLines } from './lines.js';
import { knownModelPrefixes, rulesForModel, type CustomizationKind, type DataFormat, type ModelDataRules } from './model-limits.js';

export interface ValidationProblem {
  file: string;
  line?: number;
  field?: string;
  severity: 'error' | 'warning';
  message: string;
}

export interface FileSummary {
  file: string;
  bytes: number;
  records: number;
  tokens: { input: Distribution; output: Distribution; total: Distribution };
}

export interface ValidationReport {
  modelId: string;
  family: string;
  customizationType: CustomizationKind;
  format: DataFormat;
  tokenizer: string;
  training: FileSummary;
  validation?: FileSummary;
  problems: ValidationProblem[];
  /** Caveats about this model family's limits (legacy status, unpublished quotas). */
  notes: string[];
  errors: number;
  warnings: number;
  /** False when the job would fail on this data. */
  ok: boolean;
}

export interface ValidateOptions {
  modelId: string;
  customizationType?: CustomizationKind;
  validationFile?: string;
  /** The job's batch size: continued pre-training's per-record token limit depends on it (default 1). */
  batchSize?: number;
}

type Report = (p: Omit<ValidationProblem, 'file'>) => void;

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Checks one record's shape; returns its input and output texts for token counting (undefined when unusable). */
function checkRecord(obj: Record<string, unknown>, format: DataFormat, rules: ModelDataRules, report: Report): { input: string; output: string } | undefined {
  const reqString = (key: string): string | undefined => {
    const v = obj[key];
    if (typeof v === 'string') return v;
    report({ severity: 'error', field: key, message: v === undefined ? `missing required field "${key}"` : `must be a string, found ${typeName(v)}` });
    return undefined;
  };
  const extraKeys = (allowed: string[], severity: 'error' | 'warning'): void => {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) report({ severity, field: k, message: `unexpected field "${k}" (${format} records have ${allowed.join(', ')})` });
  };
  if (format === 'prompt-completion') {
    extraKeys(['prompt', 'completion'], 'warning');
    const prompt = reqString('prompt');
    const completion = reqString('completion');
    if (prompt !== undefined && prompt.trim() === '') report({ severity: 'error', field: 'prompt', message: 'must not be empty' });
    if (completion !== undefined && completion.trim() === '') report({ severity: 'error', field: 'completion', message: 'must not be empty' });
    return prompt !== undefined && completion !== undefined ? { input: prompt, output: completion } : undefined;
  }
  if (format === 'cpt-input') {
    extraKeys(['input'], 'warning');
    const input = reqString('input');
    return input !== undefined ? { input, output: '' } : undefined;
  }
  const haiku = format === 'haiku-messages';
  if (haiku) extraKeys(['system', 'messages'], 'error');
  else if (obj.schemaVersion === undefined) report({ severity: 'warning', field: 'schemaVersion', message: 'missing "schemaVersion" (use "bedrock-conversation-2024")' });
  let system = '';
  if (obj.system !== undefined) {
    if (haiku) {
      if (typeof obj.system !== 'string') report({ severity: 'error', field: 'system', message: `must be a string for Claude 3 Haiku, found ${typeName(obj.system)}` });
      else system = obj.system;
    } else if (!Array.isArray(obj.system) || obj.system.some((b) => !isObj(b) || typeof b.text !== 'string')) {
      report({ severity: 'error', field: 'system', message: 'must be an array of {"text": "..."} blocks' });
    } else {
      system = (obj.system as Array<{ text: string }>).map((b) => b.text).join('\n');
    }
  }
  const messages = obj.messages;
  if (!Array.isArray(messages)) {
    report({ severity: 'error', field: 'messages', message: messages === undefined ? 'missing required field "messages"' : `must be an array, found ${typeName(messages)}` });
    return undefined;
  }
  if (messages.length < 2) report({ severity: 'error', field: 'messages', message: `needs at least one user and one assistant turn, found ${messages.length} message(s)` });
  const user: string[] = [system];
  const assistant: string[] = [];
  let prevRole = '';
  messages.forEach((m, i) => {
    const at = `messages[${i}]`;
    if (!isObj(m)) return report({ severity: 'error', field: at, message: `must be an object, found ${typeName(m)}` });
    if (haiku) for (const k of Object.keys(m)) if (k !== 'role' && k !== 'content') report({ severity: 'error', field: `${at}.${k}`, message: `unexpected field "${k}"` });
    const role = m.role;
    if (role !== 'user' && role !== 'assistant') {
      report({ severity: 'error', field: `${at}.role`, message: `role must be "user" or "assistant", found ${JSON.stringify(role)}` });
    } else {
      if (i === 0 && role !== 'user') report({ severity: 'error', field: `${at}.role`, message: 'the first message must be from "user"' });
      if (i > 0 && role === prevRole) report({ severity: 'error', field: `${at}.role`, message: `roles must alternate; two "${role}" messages in a row` });
      if (i === messages.length - 1 && role !== 'assistant') report({ severity: 'error', field: `${at}.role`, message: 'the last message must be from "assistant"' });
      prevRole = role;
    }
    let text: string | undefined;
    if (haiku) {
      if (typeof m.content === 'string') text = m.content;
      else report({ severity: 'error', field: `${at}.content`, message: `must be a string for Claude 3 Haiku, found ${typeName(m.content)}` });
    } else if (Array.isArray(m.content) && m.content.every(isObj)) {
      const blocks = m.content as Array<Record<string, unknown>>;
      const bad = blocks.findIndex((b) => b.text !== undefined && typeof b.text !== 'string');
      if (bad >= 0) report({ severity: 'error', field: `${at}.content[${bad}].text`, message: 'must be a string' });
      text = blocks.filter((b) => typeof b.text === 'string').map((b) => b.text as string).join('\n');
    } else {
      report({ severity: 'error', field: `${at}.content`, message: `must be an array of {"text": "..."} blocks, found ${typeName(m.content)}` });
    }
    if (text !== undefined && text.trim() === '') report({ severity: 'error', field: `${at}.content`, message: 'empty text' });
    if (text !== undefined) (role === 'assistant' ? assistant : user).push(text);
  });
  const input = user.filter(Boolean).join('\n');
  const output = assistant.join('\n');
  for (const tok of rules.forbiddenTokens ?? []) {
    if (input.includes(tok) || output.includes(tok)) report({ severity: 'error', field: 'messages', message: `contains "${tok}", which fails ${rules.family} jobs` });
  }
  return { input, output };
}

async function validateFile(file: string, kind: 'training' | 'validation', format: DataFormat, rules: ModelDataRules, problems: ValidationProblem[]): Promise<FileSummary> {
  let bytes: number;
  try {
    bytes = (await stat(file)).size;
  } catch {
    throw new InputError('file not found', { file });
  }
  const inputs: number[] = [];
  const outputs: number[] = [];
  const totals: number[] = [];
  let records = 0;
  const limit = (n: number | undefined, used: number, label: string, line: number): void => {
    if (n === undefined || used <= n) return;
    // cl100k only approximates each model's tokenizer: within 10 % over the limit is a warning, not a verdict.
    const severity = used > n * 1.1 ? 'error' : 'warning';
    problems.push({ file, line, severity, message: `${label} ≈ ${used} tokens (cl100k estimate), limit ${n}` });
  };
  try {
    for await (const { line, text } of readLines(file)) {
      if (text.trim() === '') continue;
      records++;
      const report: Report = (p) => problems.push({ file, line, ...p });
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch (err) {
        report({ severity: 'error', message: `invalid JSON (${(err as Error).message})` });
        continue;
      }
      if (!isObj(obj)) {
        report({ severity: 'error', message: `each line must be one JSON object, found ${typeName(obj)}` });
        continue;
      }
      const texts = checkRecord(obj, format, rules, report);
      if (!texts) continue;
      const inTok = countTokens(texts.input);
      const outTok = countTokens(texts.output);
      inputs.push(inTok);
      outputs.push(outTok);
      totals.push(inTok + outTok);
      limit(rules.maxInputTokens, inTok, 'input', line);
      limit(rules.maxOutputTokens, outTok, 'output', line);
      limit(rules.maxRecordTokens, inTok + outTok, 'record', line);
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    problems.push({ file, line: err.location.line, severity: 'error', message: `${err.message.replace(/^.*?: /, '')} (reading stopped here)` });
  }
  if (records === 0) problems.push({ file, severity: 'error', message: 'empty file: no records' });
  const maxBytes = kind === 'training' ? rules.maxTrainBytes : rules.maxValidationBytes;
  if (maxBytes !== undefined && bytes > maxBytes) problems.push({ file, severity: 'error', message: `file is ${bytes} bytes; ${kind} files may be at most ${maxBytes}` });
  return { file, bytes, records, tokens: { input: distribution(inputs), output: distribution(outputs), total: distribution(totals) } };
}

export async function validateTrainingData(file: string, opts: ValidateOptions): Promise<ValidationReport> {
  const modelRules = rulesForModel(opts.modelId);
  const cptLimit = opts.customizationType === 'continued-pre-training' ? cptRecordLimit(opts.modelId, opts.batchSize ?? 1) : undefined;
  const rules = modelRules && cptLimit ? { ...modelRules, maxRecordTokens: cptLimit.tokens } : modelRules;
  if (!rules) {
    throw new InputError(`no training-data rules for model "${opts.modelId}"; known model families: ${knownModelPrefixes().join(', ')}`, { field: 'model' });
  }
  const customizationType = opts.customizationType ?? 'fine-tuning';
  const problems: ValidationProblem[] = [];
  const format = rules.formats[customizationType];
  if (!format) {
    const supported = Object.keys(rules.formats).join(', ');
    throw new InputError(`${rules.family} does not support ${customizationType} (supported: ${supported})`, { field: 'type' });
  }
  const training = await validateFile(file, 'training', format, rules, problems);
  const validation = opts.validationFile ? await validateFile(opts.validationFile, 'validation', format, rules, problems) : undefined;
  const trainN = training.records;
  const valN = validation?.records ?? 0;
  const maxTrain = rules.maxTrainRecords?.[customizationType];
  if (maxTrain !== undefined && trainN > maxTrain) problems.push({ file, severity: 'error', message: `${trainN} training records; ${rules.family} allows at most ${maxTrain} (default quota)` });
  if (validation && rules.maxValidationRecords !== undefined && valN > rules.maxValidationRecords) {
    problems.push({ file: validation.file, severity: 'error', message: `${valN} validation records; at most ${rules.maxValidationRecords}` });
  }
  if (rules.maxTotalRecords !== undefined && trainN + valN > rules.maxTotalRecords) {
    problems.push({ file, severity: 'error', message: `${trainN + valN} records in training + validation; ${rules.family} allows at most ${rules.maxTotalRecords} (default quota, adjustable)` });
  }
  if (rules.minRecords !== undefined && trainN > 0 && trainN < rules.minRecords) problems.push({ file, severity: 'error', message: `${trainN} training records; ${rules.family} needs at least ${rules.minRecords}` });
  if (rules.recommendedMinRecords !== undefined && trainN > 0 && trainN < rules.recommendedMinRecords) {
    problems.push({ file, severity: 'warning', message: `${trainN} training records; AWS recommends at least ${rules.recommendedMinRecords} per task` });
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  return {
    modelId: opts.modelId,
    family: rules.family,
    customizationType,
    format,
    tokenizer: `${TOKENIZER_NAME} (estimate)`,
    training,
    validation,
    problems,
    notes: rules.notes ?? [],
    errors,
    warnings: problems.length - errors,
    ok: errors === 0,
  };
}
