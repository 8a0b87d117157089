/**
 * Per-family facts shared by every model of a family: customization hyperparameters (Bedrock's names, ranges and
 * defaults) and the training-data format and quotas. Sources: ../shared/reference/bedrock.md §3 (AWS cm-hp-* pages)
 * and §4 (model-customization-prepare, quota snapshot 2025-06-05). Model-level differences (Nova Pro's lower record
 * quota, Llama 3.2 90B's lower token limit) are overrides on the model rows in table.ts.
 */
import type { FamilyFacts, ParameterRange, TrainingDataRules } from './types.js';

const int = (min: number, max: number, def: number): ParameterRange => ({ min, max, default: def, integer: true });
const real = (min: number, max: number, def: number): ParameterRange => ({ min, max, default: def, integer: false });

const GB = 1024 ** 3;
const MB = 1024 ** 2;
const NOVA_FORBIDDEN = ['User:', 'Bot:', 'Assistant:', 'System:', '<image>', '<video>', '[EOS]'];
const LLAMA3_HP = { epochCount: int(1, 10, 5), batchSize: int(1, 1, 1), learningRate: real(5e-6, 0.1, 1e-4) };
const TITAN_NOTE = 'Titan Text is no longer in the current fine-tunable list; check customizationsSupported.';

const NOVA_DATA: TrainingDataRules = {
  family: 'Amazon Nova',
  formats: { 'fine-tuning': 'converse' },
  recommendedMinRecords: 100,
  maxTotalRecords: 20_000,
  forbiddenTokens: NOVA_FORBIDDEN,
  notes: ['Nova per-record token limits are not published; token counts are shown for information.'],
};

/** Ordered: the first family whose prefix matches a (normalized) base id wins, so the narrower prefixes come first. */
export const FAMILIES: readonly FamilyFacts[] = [
  {
    family: 'amazon.nova',
    prefixes: ['amazon.nova-micro', 'amazon.nova-lite', 'amazon.nova-pro', 'amazon.nova-2-lite'],
    hyperParameters: { epochCount: int(1, 5, 2), learningRate: real(1e-6, 1e-4, 1e-5), learningRateWarmupSteps: int(0, 100, 10) },
    defaultLearningRate: 1e-5,
    trainingData: NOVA_DATA,
  },
  {
    family: 'meta.llama3-1',
    prefixes: ['meta.llama3-1-'],
    // "1–10, 5 (quota adjustable)" for epochs; batch size fixed at 1.
    hyperParameters: LLAMA3_HP,
    defaultLearningRate: 1e-4,
    trainingData: {
      family: 'Llama 3.1',
      formats: { 'fine-tuning': 'prompt-completion' },
      minRecords: 100,
      maxTotalRecords: 10_000,
      maxRecordTokens: 16_000,
      maxInputTokens: 16_000,
      maxOutputTokens: 16_000,
    },
  },
  {
    family: 'meta.llama3-2',
    prefixes: ['meta.llama3-2-', 'meta.llama3-3-'],
    hyperParameters: LLAMA3_HP,
    defaultLearningRate: 1e-4,
    trainingData: {
      family: 'Llama 3.2/3.3',
      formats: { 'fine-tuning': 'converse' },
      minRecords: 100,
      maxTotalRecords: 10_000,
      maxRecordTokens: 16_000,
    },
  },
  {
    family: 'anthropic.claude-3-haiku',
    prefixes: ['anthropic.claude-3-haiku'],
    hyperParameters: {
      epochCount: int(1, 10, 2),
      batchSize: int(4, 256, 32),
      learningRateMultiplier: real(0.1, 2, 1),
      earlyStoppingThreshold: real(0, 0.1, 0.001),
      earlyStoppingPatience: int(1, 10, 2),
    },
    // Haiku takes a multiplier; the emulator needs a base rate for it to scale (not a Bedrock-published figure).
    defaultLearningRate: 1e-5,
    trainingData: {
      family: 'Claude 3 Haiku',
      formats: { 'fine-tuning': 'haiku-messages' },
      minRecords: 32,
      maxTrainRecords: { 'fine-tuning': 10_000 },
      maxValidationRecords: 1_000,
      maxTotalRecords: 10_000,
      maxRecordTokens: 32_000,
      maxTrainBytes: 10 * GB,
      maxValidationBytes: 1 * GB,
    },
  },
  {
    family: 'amazon.titan-text-premier',
    prefixes: ['amazon.titan-text-premier'],
    hyperParameters: { epochCount: int(1, 5, 2), batchSize: int(1, 1, 1), learningRate: real(1e-7, 1e-5, 1e-6), learningRateWarmupSteps: int(0, 20, 5) },
    defaultLearningRate: 1e-6,
    trainingData: {
      family: 'Titan Text Premier (legacy)',
      formats: { 'fine-tuning': 'prompt-completion' },
      maxTrainRecords: { 'fine-tuning': 20_000 },
      maxRecordTokens: 4_096,
      maxTrainBytes: 1 * GB,
      maxValidationBytes: 100 * MB,
      notes: [TITAN_NOTE],
    },
  },
  {
    family: 'amazon.titan-text',
    prefixes: ['amazon.titan-text-express', 'amazon.titan-text-lite'],
    hyperParameters: { epochCount: int(1, 10, 5), batchSize: int(1, 64, 1), learningRate: real(0, 1, 1e-5), learningRateWarmupSteps: int(0, 250, 5) },
    defaultLearningRate: 1e-5,
    trainingData: {
      family: 'Titan Text Lite/Express (legacy)',
      formats: { 'fine-tuning': 'prompt-completion', 'continued-pre-training': 'cpt-input' },
      maxTrainRecords: { 'fine-tuning': 10_000, 'continued-pre-training': 100_000 },
      maxRecordTokens: 4_096,
      maxTrainBytes: 1 * GB,
      maxValidationBytes: 100 * MB,
      notes: ['Token limit shown is for batch size 1 (2,048 at larger batch sizes).', TITAN_NOTE],
    },
  },
  {
    family: 'cohere.command',
    prefixes: ['cohere.command'],
    hyperParameters: {
      epochCount: int(1, 100, 1),
      batchSize: int(8, 32, 8),
      learningRate: real(5e-6, 0.1, 1e-5),
      earlyStoppingThreshold: real(0, 0.1, 0.01),
      earlyStoppingPatience: int(1, 10, 6),
      evalPercentage: real(5, 50, 20),
    },
    defaultLearningRate: 1e-5,
    trainingData: {
      family: 'Cohere Command (deprecated)',
      formats: { 'fine-tuning': 'prompt-completion' },
      minRecords: 32,
      maxTrainRecords: { 'fine-tuning': 10_000 },
      maxValidationRecords: 1_000,
      maxInputTokens: 4_096,
      maxOutputTokens: 2_048,
      notes: ['Cohere fine-tuning on Bedrock was deprecated on 2025-09-15.'],
    },
  },
  {
    family: 'amazon.titan-embed',
    prefixes: ['amazon.titan-embed'],
    hyperParameters: {},
    defaultLearningRate: 0,
  },
];
