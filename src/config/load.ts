/**
 * loadConfig: the experiment config from YAML or JSON, validated by the zod schema, then by cross-field rules.
 * Precedence: schema defaults < file < overrides (CLI flags). Relative paths are resolved against the config
 * file's folder and may not climb out of it. Every error is an InputError naming file, line and field path.
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ExperimentConfig, retrievesKnowledgeBase } from './schema.js';
import { InputError, type InputLocation } from '../util/errors.js';
import { converseModelIdProblem } from '../models/identifiers.js';
import { trainingSourceErrors } from './training-checks.js';
import { describeUnknownKey, findUnknownKeys } from './strict.js';
import { sageMakerConfigErrors, sageMakerPaths } from './sagemaker-checks.js';
import { formatPath, jsonErrorLine, lineOfPath, parseWithLines, type ConfigSource } from './source-map.js';

export interface LoadedConfig {
  config: ExperimentConfig;
  /** Absolute path of the config file, when one was read. */
  file?: string;
  /** Folder relative paths were resolved against. */
  baseDir: string;
  /** File and line of a field (`systems.<id>.serving.type`, `systems[0].modelId`), for errors raised after loading. */
  locate: (field: string) => InputLocation;
}

/** Names `ftrag run` looks for in the working folder, in this order. */
export const DEFAULT_CONFIG_NAMES = ['ftrag.config.yaml', 'ftrag.config.yml', 'ftrag.config.json', 'ftrag.yaml', 'ftrag.yml', 'ftrag.json'];

export async function findConfigFile(dir: string = process.cwd()): Promise<string | undefined> {
  for (const name of DEFAULT_CONFIG_NAMES) {
    const p = join(dir, name);
    try {
      await access(p);
      return p;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

const URI = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Resolves a path from the config: URIs (s3://) and absolute paths are kept; a relative path is resolved against
 * `baseDir` and must stay inside it.
 */
export function resolveConfigPath(p: string, baseDir: string, loc: InputLocation = {}): string {
  if (URI.test(p)) return p;
  if (isAbsolute(p)) return resolve(p);
  const abs = resolve(baseDir, p);
  const rel = relative(resolve(baseDir), abs);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new InputError(`relative path "${p}" escapes the config folder ${baseDir}; use an absolute path to point outside it`, loc);
  }
  return abs;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Deep merge of plain objects; arrays and scalars from `over` replace. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

/** `{"runner.concurrency": 4}` -> `{runner: {concurrency: 4}}`, so CLI flags can name nested fields. */
export function expandDottedKeys(obj: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const value = isPlainObject(v) ? expandDottedKeys(v) : v;
    const nested = k
      .split('.')
      .reverse()
      .reduce<unknown>((acc, seg) => ({ [seg]: acc }), value) as Record<string, unknown>;
    out = deepMerge(out, nested);
  }
  return out;
}

async function readConfigFile(file: string): Promise<{ data: Record<string, unknown>; src: ConfigSource }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'config file not found' : `cannot read config file (${code})`, { file });
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new InputError('empty config file', { file });
  const isJson = extname(file).toLowerCase() === '.json';
  let data: unknown;
  if (isJson) {
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new InputError(`invalid JSON (${(err as Error).message})`, { file, line: jsonErrorLine(text, err) });
    }
  }
  const { doc, lines } = parseWithLines(text);
  if (!isJson) {
    const first = doc.errors[0];
    if (first) {
      const line = first.linePos?.[0]?.line;
      throw new InputError(`invalid YAML (${first.message.split('\n')[0]})`, { file, line });
    }
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // The yaml library refuses alias bombs ("excessive alias count"); that is bad input, not a crash.
      throw new InputError(`invalid YAML (${(err as Error).message})`, { file });
    }
  }
  const src: ConfigSource = doc.errors.length ? {} : { doc, lines };
  if (!isPlainObject(data)) throw new InputError('the config must be a mapping (key: value pairs) at the top level', { file, line: 1 });
  return { data, src };
}

function crossFieldErrors(config: ExperimentConfig): Array<{ path: PropertyKey[]; message: string }> {
  const errors: Array<{ path: PropertyKey[]; message: string }> = [];
  const ids = new Map<string, number>();
  config.systems.forEach((s, i) => {
    if (ids.has(s.id)) errors.push({ path: ['systems', i, 'id'], message: `duplicate system id "${s.id}" (also systems.${ids.get(s.id)})` });
    else ids.set(s.id, i);
  });
  config.systems.forEach((s, i) => {
    if (s.generatorFrom !== undefined) {
      if (!ids.has(s.generatorFrom)) {
        errors.push({ path: ['systems', i, 'generatorFrom'], message: `names no system; known ids: ${[...ids.keys()].join(', ')}` });
      } else if (s.generatorFrom === s.id) {
        errors.push({ path: ['systems', i, 'generatorFrom'], message: 'a system cannot use itself as generator' });
      }
    }
    const rag = retrievesKnowledgeBase(s.kind);
    const fineTuned = s.kind === 'fine-tuned' || s.kind === 'rag-fine-tuned';
    if (rag && !s.knowledgeBase) errors.push({ path: ['systems', i, 'knowledgeBase'], message: `kind "${s.kind}" needs a knowledgeBase` });
    if (rag && s.knowledgeBase && !s.knowledgeBase.id && !s.knowledgeBase.documents) {
      errors.push({ path: ['systems', i, 'knowledgeBase'], message: 'give an existing Knowledge Base "id" or a "documents" folder to ingest' });
    }
    if (fineTuned && !s.sagemaker && !s.modelId && !s.training && !s.generatorFrom) {
      errors.push({ path: ['systems', i, 'modelId'], message: `kind "${s.kind}" needs "modelId" (a custom model) or "training" (or "generatorFrom")` });
    }
    if (s.modelId !== undefined) {
      const problem = converseModelIdProblem(s.modelId);
      if (problem) errors.push({ path: ['systems', i, 'modelId'], message: problem });
    }
    if (s.training) errors.push(...trainingSourceErrors(s.training, ['systems', i, 'training']));
    if (!fineTuned && !s.sagemaker && !s.modelId && !s.generatorFrom) {
      errors.push({ path: ['systems', i, 'modelId'], message: `kind "${s.kind}" needs "modelId" (or "generatorFrom")` });
    }
  });
  errors.push(...sageMakerConfigErrors(config));
  if (config.judge) {
    const problem = converseModelIdProblem(config.judge.modelId);
    if (problem) errors.push({ path: ['judge', 'modelId'], message: problem });
  }
  if (!config.metrics.includes(config.primaryMetric)) {
    errors.push({ path: ['primaryMetric'], message: `"${config.primaryMetric}" is not in metrics [${config.metrics.join(', ')}]` });
  }
  config.gate?.rules.forEach((r, i) => {
    if (r.system !== undefined && !ids.has(r.system)) errors.push({ path: ['gate', 'rules', i, 'system'], message: `names no system "${r.system}"` });
  });
  return errors;
}

/** Resolves every file path in the config in place, so later stages never resolve again. */
function resolvePaths(config: ExperimentConfig, baseDir: string, at: (path: PropertyKey[]) => InputLocation): void {
  config.evalSet = resolveConfigPath(config.evalSet, baseDir, at(['evalSet']));
  if (config.pricing.catalog) config.pricing.catalog = resolveConfigPath(config.pricing.catalog, baseDir, at(['pricing', 'catalog']));
  config.systems.forEach((s, i) => {
    if (s.training) {
      if (s.training.trainingData !== undefined) {
        s.training.trainingData = resolveConfigPath(s.training.trainingData, baseDir, at(['systems', i, 'training', 'trainingData']));
      }
      if (s.training.fromDocuments !== undefined) {
        s.training.fromDocuments = resolveConfigPath(s.training.fromDocuments, baseDir, at(['systems', i, 'training', 'fromDocuments']));
      }
      if (s.training.validationData) {
        s.training.validationData = resolveConfigPath(s.training.validationData, baseDir, at(['systems', i, 'training', 'validationData']));
      }
    }
    if (s.knowledgeBase?.documents) {
      s.knowledgeBase.documents = resolveConfigPath(s.knowledgeBase.documents, baseDir, at(['systems', i, 'knowledgeBase', 'documents']));
    }
  });
  for (const p of sageMakerPaths(config)) p.set(resolveConfigPath(p.get(), baseDir, at(p.path)));
}

export async function loadConfig(path: string | undefined, overrides: Record<string, unknown> = {}): Promise<LoadedConfig> {
  const file = path === undefined ? undefined : resolve(path);
  const baseDir = file ? dirname(file) : process.cwd();
  let data: Record<string, unknown> = {};
  let src: ConfigSource = {};
  if (file) ({ data, src } = await readConfigFile(file));
  const expanded = expandDottedKeys(overrides);
  const merged = deepMerge(data, expanded);
  // A field set by a flag has no line in the file; point at the file's line only for fields the file gave.
  const at = (p: PropertyKey[]): InputLocation => {
    const fromFlag = p.length > 0 && hasPath(expanded, p);
    return { file, line: fromFlag ? undefined : lineOfPath(src, p), field: formatPath(p) };
  };
  const unknown = findUnknownKeys(ExperimentConfig, merged);
  if (unknown.length) {
    const [first, ...rest] = unknown;
    const more = rest.length
      ? ` (and ${rest.length} more: ${rest.map((u) => { const l = at(u.path); return `${l.field}${l.line !== undefined ? ` line ${l.line}` : ''}`; }).join(', ')})`
      : '';
    throw new InputError(`${describeUnknownKey(first)}${more}`, at(first.path));
  }
  const parsed = ExperimentConfig.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const extra = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : '';
    throw new InputError(`${issue.message}${extra}`, at(issue.path as PropertyKey[]));
  }
  const config = parsed.data;
  const problems = crossFieldErrors(config);
  if (problems.length) {
    const extra = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
    throw new InputError(`${problems[0].message}${extra}`, at(problems[0].path));
  }
  resolvePaths(config, baseDir, at);
  return { config, file, baseDir, locate: (field) => locateField(config, field, at) };
}

/**
 * File and line of a field named the way later stages name it: `systems.<id>.training`, `systems[1].modelId` or
 * `systems.1.modelId`. A field the config does not hold still gets the file.
 */
function locateField(config: ExperimentConfig, field: string, at: (path: PropertyKey[]) => InputLocation): InputLocation {
  const segs = field.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean);
  if (segs[0] === 'systems' && segs[1] !== undefined && !/^\d+$/.test(segs[1])) {
    const index = config.systems.findIndex((s) => s.id === segs[1]);
    if (index >= 0) segs[1] = String(index);
  }
  const path = segs.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  return { ...at(path), field };
}

/** Adds the config's file and line to an InputError that names only a field (thrown after the config loaded). */
export function withConfigLocation(err: unknown, loaded: Pick<LoadedConfig, 'file' | 'locate'>): unknown {
  if (!(err instanceof InputError) || err.location.file || !err.location.field || !loaded.file) return err;
  const loc = loaded.locate(err.location.field);
  const raw = err.message.startsWith(`field "${err.location.field}": `) ? err.message.slice(`field "${err.location.field}": `.length) : err.message;
  const located = new InputError(raw, loc);
  located.stack = err.stack;
  return located;
}

function hasPath(obj: unknown, path: PropertyKey[]): boolean {
  let cur: unknown = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return false;
    const key = String(seg);
    if (!(key in (cur as Record<string, unknown>))) return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return true;
}
