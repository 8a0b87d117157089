/**
 * The one pre-flight: everything that would make a paid step fail or leave a model that cannot be served, checked
 * before the first billable call by `ftrag run`, `ftrag train` and `ftrag plan` alike. Nothing here calls AWS.
 */
import type { ExperimentConfig, SystemSpec } from '../config/schema.js';
import { validateTrainingData } from '../datasets/validate.js';
import { customOnDemandSupport, trainingDataRules } from '../models/index.js';
import { TOKENIZER_NAME } from '../util/tokenizer.js';
import { cptBatchSize, cptRecordsForSystem } from './cpt-records.js';
import { batchRefusal } from '../targets/batch.js';
import { InputError } from '../util/errors.js';
import { checkHyperParameters } from './hyperparameters.js';
import { checkSweepSpec, sweepPoints } from './sweep.js';

export interface PreflightResult {
  system: string;
  check: string;
  ok: boolean;
  detail: string;
}

/** Everything that would make the job fail or the model unservable, checked before anything is uploaded or billed. */
export async function preflightTraining(spec: SystemSpec, region: string, resolvePath: (p: string) => string, log: (line: string) => void): Promise<string> {
  const training = spec.training!;
  checkHyperParameters(training.baseModelId, training.hyperParameters, `systems.${spec.id}.training.hyperParameters`);
  const onDemand = customOnDemandSupport(training.baseModelId, region);
  if ((spec.serving?.type ?? 'on-demand') === 'on-demand' && !onDemand.supported) {
    throw new InputError(`on-demand deployment of custom models is not available: ${onDemand.reason}; use serving: {type: provisioned}`, {
      field: `systems.${spec.id}.serving.type`,
    });
  }
  if (training.fromDocuments !== undefined) return preflightDocuments(spec, resolvePath, log);
  const trainingFile = resolvePath(training.trainingData!);
  const report = await validateTrainingData(trainingFile, {
    modelId: training.baseModelId,
    customizationType: training.customizationType === 'CONTINUED_PRE_TRAINING' ? 'continued-pre-training' : 'fine-tuning',
    validationFile: training.validationData ? resolvePath(training.validationData) : undefined,
    batchSize: cptBatchSize(training),
  });
  for (const p of report.problems.filter((x) => x.severity === 'warning').slice(0, 5)) log(`warning: ${describeProblem(p)}`);
  if (!report.ok) {
    const errors = report.problems.filter((p) => p.severity === 'error');
    const shown = errors.slice(0, 20).map((p) => `  ${describeProblem(p)}`);
    throw new InputError(
      `the training data would fail the customization job (${errors.length} error(s)); nothing was uploaded:\n${shown.join('\n')}${errors.length > shown.length ? `\n  ... and ${errors.length - shown.length} more (ftrag data validate lists all)` : ''}`,
      { file: trainingFile },
    );
  }
  return report.tokenizer;
}

/**
 * Continued pre-training from a documents folder: the records are made now (a document ftrag cannot use is an error
 * naming its file), every one within the model's record limit by construction; what is left to check is the job's
 * record and size quotas, and the validation file's format when one is given.
 */
async function preflightDocuments(spec: SystemSpec, resolvePath: (p: string) => string, log: (line: string) => void): Promise<string> {
  const training = spec.training!;
  const made = await cptRecordsForSystem(spec, resolvePath);
  const rules = trainingDataRules(training.baseModelId);
  const field = `systems.${spec.id}.training.fromDocuments`;
  const maxRecords = rules?.maxTrainRecords?.['continued-pre-training'];
  if (maxRecords !== undefined && made.records > maxRecords) {
    throw new InputError(`${made.records} continued pre-training records from ${made.documents} documents; ${rules!.family} allows at most ${maxRecords} (default quota)`, { field });
  }
  const bytes = Buffer.byteLength(made.text, 'utf8');
  if (rules?.maxTrainBytes !== undefined && bytes > rules.maxTrainBytes) {
    throw new InputError(`the records from the documents are ${bytes} bytes; ${rules.family} takes at most ${rules.maxTrainBytes} bytes of training data`, { field });
  }
  if (made.limit?.beyondPublished) {
    log(`warning: ${field}: no record limit is published for batch size ${cptBatchSize(training)} (${made.limit.published}); records hold at most ${made.recordTokens} tokens`);
  }
  if (training.validationData) {
    const file = resolvePath(training.validationData);
    const report = await validateTrainingData(file, { modelId: training.baseModelId, customizationType: 'continued-pre-training', batchSize: cptBatchSize(training) });
    const errors = report.problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) throw new InputError(`the validation data would fail the customization job: ${describeProblem(errors[0])}`, { file });
  }
  return `${TOKENIZER_NAME}: ${made.records} records of at most ${made.recordTokens} tokens from ${made.documents} documents`;
}

function describeProblem(p: { file: string; line?: number; field?: string; message: string }): string {
  return [p.file, p.line !== undefined ? `line ${p.line}` : undefined, p.field ? `field "${p.field}"` : undefined].filter(Boolean).join(', ') + `: ${p.message}`;
}


/**
 * Every check for every system of a run: hyperparameter ranges, on-demand support of the base model for the chosen
 * serving, training-data validation, batch refusals. Throws the first failure (exit 2) before anything is billed;
 * returns what was checked, for `plan` to print.
 */
export async function preflightRun(
  config: ExperimentConfig,
  opts: { resolvePath: (p: string) => string; evalSetSize: number; log: (line: string) => void },
): Promise<PreflightResult[]> {
  const results: PreflightResult[] = [...preflightAws(config)];
  for (const spec of config.systems) {
    if (spec.training && !spec.modelId) {
      const tokenizer = await preflightTraining(spec, config.region, opts.resolvePath, opts.log);
      const serving = spec.serving?.type ?? 'on-demand';
      results.push({ system: spec.id, check: 'hyperparameters', ok: true, detail: `within ${spec.training.baseModelId}'s ranges` });
      if (spec.training.sweep) {
        // Every point is checked against the family's ranges now, before the first job starts.
        const points = sweepPoints(spec.training.sweep, spec.training, `systems.${spec.id}.training`, config.seed);
        checkSweepSpec(spec, config.region);
        const sweep = spec.training.sweep;
        const evidence = spec.training.validationData ? 'the validation file' : `a ${sweep.validationSplit} validation split of the training data`;
        results.push({ system: spec.id, check: 'sweep', ok: true, detail: `${points.length} points, chosen by ${sweep.select} on ${evidence}` });
      }
      results.push({ system: spec.id, check: 'serving', ok: true, detail: serving === 'on-demand' ? customOnDemandSupport(spec.training.baseModelId, config.region).reason : 'provisioned throughput' });
      results.push({ system: spec.id, check: 'training data', ok: true, detail: `valid for ${spec.training.baseModelId} (${tokenizer})` });
    }
    if (spec.execution === 'batch') {
      const refusal = batchRefusal({ id: spec.id, usesKnowledgeBase: !!spec.knowledgeBase }, opts.evalSetSize, spec.batch, config.endpoint === 'emulator');
      if (refusal) throw refusal;
      results.push({ system: spec.id, check: 'batch', ok: true, detail: `${opts.evalSetSize} records` });
    }
  }
  return results;
}

/**
 * What AWS needs that the emulator supplies itself, checked before anything is created there: a training role and
 * bucket for every system ftrag trains, and an existing Knowledge Base (ftrag does not create vector stores on AWS).
 * Without this a run could train (and bill) one system and only then stop at the next.
 */
export function preflightAws(config: ExperimentConfig, systems: SystemSpec[] = config.systems): PreflightResult[] {
  if (config.endpoint !== 'aws') return [];
  const results: PreflightResult[] = [];
  for (const spec of systems) {
    if (spec.training && !spec.modelId) {
      for (const field of ['roleArn', 'dataS3Uri'] as const) {
        if (!spec.training[field]) {
          throw new InputError(`training on AWS needs training.${field} (${field === 'roleArn' ? 'an IAM role Bedrock assumes to read the data' : 'an s3:// prefix the training data is uploaded to'})`, {
            field: `systems.${spec.id}.training.${field}`,
          });
        }
      }
      results.push({ system: spec.id, check: 'AWS training inputs', ok: true, detail: `role ${spec.training.roleArn}, data under ${spec.training.dataS3Uri}` });
    }
    if (spec.knowledgeBase && !spec.knowledgeBase.id) {
      throw new InputError('on AWS, create the Knowledge Base (and its vector store) first and set knowledgeBase.id; ftrag builds one from documents only on the emulator', {
        field: `systems.${spec.id}.knowledgeBase.id`,
      });
    }
  }
  return results;
}
