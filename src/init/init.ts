/**
 * initExperiment: from an eval set, an optional documents folder and an optional training file, writes a commented
 * `ftrag.yaml` that runs as written on the embedded emulator (base, fine-tuned, rag, rag-fine-tuned) and marks the
 * lines to change for AWS. Every input is loaded with the same loaders `ftrag run` uses, so a file that `init`
 * accepts also runs; a training file in the wrong format for the model is converted next to the config.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../util/errors.js';
import { loadEvalSet } from '../datasets/load.js';
import { readTextDocuments } from '../datasets/documents.js';
import { convertDataset, convertedPath, readConvertible, trainingFormatForModel, type ConvertFormat } from '../datasets/convert.js';
import { validateTrainingData } from '../datasets/validate.js';
import { modelFacts } from '../models/index.js';
import { renderInitConfig } from './template.js';

export interface InitOptions {
  /** Folder the config is written to (relative paths in it are resolved against this folder). */
  dir: string;
  evalSet: string;
  documents?: string;
  training?: string;
  /** Base model id every system is built on. */
  modelId?: string;
  /** File name of the config inside `dir`. */
  configName?: string;
  /** Overwrite an existing config / converted file. */
  force?: boolean;
}

export interface InitResult {
  configFile: string;
  /** What was detected and done, one line each, for the CLI to print. */
  summary: string[];
  /** Files written (the config, a converted training file). */
  written: string[];
}

export const DEFAULT_INIT_MODEL = 'amazon.nova-micro-v1:0';

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/** A path as the config should hold it: relative when inside the config folder, absolute otherwise. */
function configPath(p: string, dir: string): string {
  const rel = relative(dir, p);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return resolve(p);
  return rel.split(sep).join('/');
}

/**
 * The editor schema as a path relative to the written config, also when ftrag is not under the folder's
 * node_modules (a checkout, a global install): an absolute path would break once the folder is moved or committed.
 * Only where no relative path exists (another drive) is it absolute.
 */
function schemaReference(schema: string, dir: string): string {
  const rel = relative(dir, schema);
  if (rel === '' || isAbsolute(rel)) return resolve(schema);
  const posix = rel.split(sep).join('/');
  return posix.startsWith('.') ? posix : `./${posix}`;
}

async function writeNew(file: string, text: string, force: boolean | undefined, field: string): Promise<void> {
  if (!force && (await exists(file))) {
    const same = (await readFile(file, 'utf8').catch(() => '')) === text;
    if (same) return;
    throw new InputError('already exists; ftrag init never overwrites a file (pass --force to replace it)', { file, field });
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

export async function initExperiment(opts: InitOptions): Promise<InitResult> {
  const dir = resolve(opts.dir);
  const modelId = opts.modelId ?? DEFAULT_INIT_MODEL;
  const model = modelFacts(modelId);
  if (!model) throw new InputError(`unknown base model "${modelId}"; give a foundation-model id such as ${DEFAULT_INIT_MODEL}`, { field: 'model' });
  const configFile = join(dir, opts.configName ?? 'ftrag.yaml');
  if (!opts.force && (await exists(configFile))) {
    throw new InputError('already exists; ftrag init never overwrites a config (pass --force to replace it, or --config-name)', { file: configFile });
  }
  const summary: string[] = [];
  const written: string[] = [];

  const evalPath = resolve(dir, opts.evalSet);
  const evalSet = await loadEvalSet(evalPath);
  const withContexts = evalSet.items.some((i) => i.contexts?.length);
  const categories = new Set(evalSet.items.map((i) => i.category).filter(Boolean)).size;
  summary.push(`eval set   ${configPath(evalPath, dir)}: ${evalSet.format}, ${evalSet.items.length} items${categories ? `, ${categories} ${categories === 1 ? 'category' : 'categories'}` : ''}`);

  let documents: { path: string; count: number } | undefined;
  if (opts.documents) {
    const docDir = resolve(dir, opts.documents);
    const { documents: docs, skipped } = await readTextDocuments(docDir, 'documents');
    if (docs.length === 0) throw new InputError('no text documents in this folder (.txt, .md, .html, .csv, .json, ...)', { file: docDir, field: 'documents' });
    documents = { path: configPath(docDir, dir), count: docs.length };
    summary.push(`documents  ${documents.path}: ${docs.length} text document(s)${skipped ? `, ${skipped} other file(s) skipped` : ''}`);
  }

  let training: { path: string; note: string; baseModelId: string } | undefined;
  if (opts.training) {
    const suffix = model.customizationSuffixes[0];
    if (!model.customizationsSupported.includes('FINE_TUNING') || suffix === undefined) {
      throw new InputError(`${model.modelName} cannot be fine-tuned on Bedrock; pick a model that can, e.g. ${DEFAULT_INIT_MODEL}`, { field: 'model' });
    }
    const trainPath = resolve(dir, opts.training);
    const { format: source, records } = await readConvertible(trainPath);
    const needed: ConvertFormat = trainingFormatForModel(modelId);
    let usePath = trainPath;
    let note = `${source}, ${records.length} records`;
    if (source !== needed) {
      const converted = await convertDataset(trainPath, needed);
      // Next to the original when it is inside the config folder, else in the config folder (never elsewhere).
      usePath = convertedPath(isAbsolute(configPath(trainPath, dir)) ? join(dir, basename(trainPath)) : trainPath, needed);
      await writeNew(usePath, converted.text, opts.force, 'training');
      written.push(usePath);
      note = `${source} converted to ${needed} (${model.modelName} needs it): ${configPath(usePath, dir)}`;
      for (const n of converted.notes) summary.push(`           note: ${n}`);
    }
    const report = await validateTrainingData(usePath, { modelId: modelId + suffix });
    if (!report.ok) {
      const first = report.problems.find((p) => p.severity === 'error');
      throw new InputError(`training data would fail the ${model.modelName} customization job: ${report.errors} error(s), first: ${first?.message ?? ''} (see ftrag data validate)`, {
        file: first?.file ?? usePath,
        line: first?.line,
        field: first?.field,
      });
    }
    summary.push(`training   ${configPath(trainPath, dir)}: ${note}${report.warnings ? `; ${report.warnings} warning(s), see ftrag data validate` : ''}`);
    training = { path: configPath(usePath, dir), note: note.split(':')[0], baseModelId: modelId + suffix };
  }

  const schemaFile = schemaReference(resolve(dirname(new URL(import.meta.url).pathname), '../../schema/config.schema.json'), dir);
  const text = renderInitConfig({
    name: basename(dir).replace(/[^A-Za-z0-9._-]+/g, '-') || 'experiment',
    schema: schemaFile,
    evalSet: { path: configPath(evalPath, dir), format: evalSet.format, items: evalSet.items.length },
    modelId,
    modelName: model.modelName,
    onDemandCustom: model.onDemandCustomDeploymentRegions.includes('us-east-1'),
    training,
    documents,
    metrics: withContexts ? ['exact', 'f1', 'rougeL', 'context_recall'] : ['exact', 'f1', 'rougeL'],
  });
  await writeNew(configFile, text, opts.force, 'config');
  written.push(configFile);
  return { configFile, summary, written };
}
