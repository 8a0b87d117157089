/**
 * The fine-tuned arms' parts of run.json: training (loss curves, health, sweeps), SageMaker jobs and the
 * general-set (forgetting) check. Part of schema version 1; see run-result.ts.
 */
import { z } from 'zod';
import { Interval } from './interval.js';

export const LossPoint = z.object({ step: z.number(), epoch: z.number(), loss: z.number() });

export const TrainingHealth = z
  .object({
    overfitting: z.boolean().describe('True when any over-fitting flag below is raised'),
    flags: z.array(z.string()).describe('Plain-language over-fitting findings, each with its numbers'),
    validationRising: z.boolean().optional().describe('Validation loss rose from its lowest epoch to the last while training loss fell'),
    lossRatio: z.number().optional().describe('Final validation loss / final training loss'),
    trainPrompts: z
      .object({
        metric: z.string(),
        n: z.number().int().describe('Training prompts re-asked'),
        score: z.number().describe('Mean score against the training completions'),
        heldOut: z.number().describe('Mean score on the held-out items compared with'),
        heldOutSource: z.enum(['validation', 'test']).describe('validation: the validation file re-asked; test: the eval set'),
        gap: z.number().describe('score minus heldOut'),
      })
      .optional()
      .describe('Train/test gap: a sample of training prompts re-asked to the custom model'),
  })
  .describe('Over-fitting checks of one customized model');
export type TrainingHealth = z.infer<typeof TrainingHealth>;

export const SweepScore = z.object({
  metric: z.string(),
  mean: z.number(),
  ci95: Interval,
  n: z.number().int(),
  method: z.string().describe('How the interval was made (wilson or bootstrap-percentile)'),
});

export const SweepResult = z
  .object({
    method: z.enum(['grid', 'random']),
    selectedBy: z.string().describe('How the point was chosen, e.g. validation-loss (never the test set)'),
    chosen: z.number().int().describe('Index of the chosen point in points'),
    points: z.array(
      z.object({
        index: z.number().int(),
        hyperParameters: z.record(z.string(), z.string()),
        epochs: z.number(),
        jobArn: z.string().optional(),
        customModelArn: z.string().optional(),
        finalTrainingLoss: z.number().optional(),
        finalValidationLoss: z.number().optional(),
        trainingLoss: z.array(LossPoint).optional(),
        validationLoss: z.array(LossPoint).optional(),
        validationScore: SweepScore.optional().describe('The point answering the validation records (score-based rules only)'),
        health: TrainingHealth.optional().describe("Over-fitting checks from this point's own loss curves"),
        chosen: z.boolean(),
      }),
    ),
    trainedTokens: z.number().describe('Tokens in the training file; each point trains trainedTokens x its epochs'),
    reason: z.string().optional().describe('Why the chosen point won, with its numbers'),
    tieWithin: z.number().optional().describe('Combined rules: closeness on the first criterion that counts as a tie'),
    validation: z
      .object({
        source: z.enum(['file', 'split']).describe('file: training.validationData; split: held out of the training data (sweep.validationSplit)'),
        records: z.number().int(),
        trainingRecords: z.number().int().optional().describe('split: records left to train on'),
      })
      .optional()
      .describe('Where the validation evidence came from (never the test set)'),
    scoreCalls: z
      .object({ calls: z.number().int(), inputTokens: z.number(), outputTokens: z.number() })
      .optional()
      .describe('Score-based rules: the calls that asked every point the validation records (priced in the sweep cost)'),
  })
  .describe('Hyperparameter sweep behind this model: every point, its losses, and which one was served');
export type SweepResult = z.infer<typeof SweepResult>;

export const TrainingInfo = z.object({
  jobArn: z.string().optional(),
  customModelArn: z.string().optional(),
  baseModelId: z.string(),
  customizationType: z.enum(['FINE_TUNING', 'CONTINUED_PRE_TRAINING']).optional().describe('The job\'s customizationType (absent in runs before it was recorded: FINE_TUNING)'),
  fromDocuments: z
    .object({
      folder: z.string(),
      documents: z.number().int(),
      records: z.number().int(),
      recordTokens: z.number().int().describe('Most tokens one {"input"} record was allowed (within the model\'s per-record limit)'),
    })
    .optional()
    .describe('Continued pre-training records made from a documents folder'),
  trainingRecords: z.number().int().optional(),
  trainingTokens: z.number().optional().describe('Tokens in the training file, counted with the tokenizer'),
  epochs: z.number().optional(),
  hyperParameters: z.record(z.string(), z.string()).optional(),
  trainingLoss: z.array(LossPoint).optional(),
  validationLoss: z.array(LossPoint).optional(),
  finalTrainingLoss: z.number().optional().describe("The customization job's trainingMetrics.trainingLoss, as GetModelCustomizationJob reports it"),
  reused: z.boolean().optional().describe('True when an existing model trained on identical data was reused'),
  health: TrainingHealth.optional(),
  sweep: SweepResult.optional(),
});
export type TrainingInfo = z.infer<typeof TrainingInfo>;

/** How a SageMaker (JumpStart) system was trained and served: what its instance-hour cost is computed from. */
export const SageMakerInfo = z.object({
  jumpStartModelId: z.string(),
  endpointName: z.string(),
  containerFormat: z.string().describe('messages (OpenAI-compatible Messages API) or tgi (inputs/parameters)'),
  endpointInstanceType: z.string(),
  endpointInstanceCount: z.number().int(),
  hoursPerDay: z.number().describe('Hours a day the endpoint exists (24 = always on)'),
  trainingJobName: z.string().optional(),
  trainingInstanceType: z.string().optional(),
  trainingInstanceCount: z.number().int().optional(),
  trainingBillableSeconds: z.number().optional().describe("DescribeTrainingJob's BillableTimeInSeconds (modelled on the emulator)"),
  artifactsS3Uri: z.string().optional(),
  existingEndpoint: z.boolean().optional().describe('True when the config named an endpoint ftrag did not create'),
});
export type SageMakerInfo = z.infer<typeof SageMakerInfo>;

export const GeneralSetResult = z
  .object({
    metric: z.string(),
    n: z.number().int(),
    mean: z.number().describe('This system on the general set'),
    baseSystem: z.string().describe('System id of the base model it is compared with'),
    baseMean: z.number(),
    difference: z.number().describe('mean minus baseMean (negative = lost general ability)'),
    ci95: Interval,
    pValue: z.number(),
    method: z.string(),
    significant: z.boolean().describe('p < 0.05 (two-sided, paired)'),
    forgetting: z.boolean().describe('A significant loss'),
    beyondTolerance: z.boolean().describe('A significant loss larger than generalSet.tolerance'),
    tolerance: z.number(),
    action: z.enum(['none', 'lower-confidence', 'rule-out']).describe('What the verdict does with it: a loss beyond tolerance lowers confidence or rules the system out (generalSet.onExceed)'),
    measuredOn: z.string().optional().describe('Set when the general set was answered by the system this one borrows its model from (generatorFrom)'),
  })
  .describe('Catastrophic-forgetting check: change on the general set against the base model, paired by item');
export type GeneralSetResult = z.infer<typeof GeneralSetResult>;
