/**
 * Bedrock training-data formats and quotas per base-model family, from reference/bedrock.md §4 (AWS docs and the
 * service-quota snapshot). Record limits are default quotas; several are adjustable on request.
 */

export type DataFormat = 'prompt-completion' | 'converse' | 'haiku-messages' | 'cpt-input';
export type CustomizationKind = 'fine-tuning' | 'continued-pre-training';

export interface ModelDataRules {
  family: string;
  /** Format per supported customization type. */
  formats: Partial<Record<CustomizationKind, DataFormat>>;
  minRecords?: number;
  /** Advisory minimum: fewer records only warns. */
  recommendedMinRecords?: number;
  maxTrainRecords?: Partial<Record<CustomizationKind, number>>;
  maxValidationRecords?: number;
  maxTotalRecords?: number;
  /** Tokens per record (input + output unless split below). */
  maxRecordTokens?: number;
  maxInputTokens?: number;
  maxOutputTokens?: number;
  maxTrainBytes?: number;
  maxValidationBytes?: number;
  /** Words that fail a Nova job when they appear in the data. */
  forbiddenTokens?: string[];
  notes?: string[];
}

const GB = 1024 ** 3;
const MB = 1024 ** 2;
const NOVA_FORBIDDEN = ['User:', 'Bot:', 'Assistant:', 'System:', '<image>', '<video>', '[EOS]'];

/** Ordered: the first prefix that matches a model id wins. */
const RULES: Array<{ prefixes: string[]; rules: ModelDataRules }> = [
  {
    prefixes: ['amazon.nova-pro'],
    rules: { family: 'Amazon Nova Pro', formats: { 'fine-tuning': 'converse' }, recommendedMinRecords: 100, maxTotalRecords: 10_000, forbiddenTokens: NOVA_FORBIDDEN, notes: ['Nova per-record token limits are not published; token counts are shown for information.'] },
  },
  {
    prefixes: ['amazon.nova-micro', 'amazon.nova-lite', 'amazon.nova-2-lite'],
    rules: { family: 'Amazon Nova Micro/Lite', formats: { 'fine-tuning': 'converse' }, recommendedMinRecords: 100, maxTotalRecords: 20_000, forbiddenTokens: NOVA_FORBIDDEN, notes: ['Nova per-record token limits are not published; token counts are shown for information.'] },
  },
  {
    prefixes: ['anthropic.claude-3-haiku'],
    rules: { family: 'Claude 3 Haiku', formats: { 'fine-tuning': 'haiku-messages' }, minRecords: 32, maxTrainRecords: { 'fine-tuning': 10_000 }, maxValidationRecords: 1_000, maxTotalRecords: 10_000, maxRecordTokens: 32_000, maxTrainBytes: 10 * GB, maxValidationBytes: 1 * GB },
  },
  {
    prefixes: ['meta.llama3-1-'],
    rules: { family: 'Llama 3.1', formats: { 'fine-tuning': 'prompt-completion' }, minRecords: 100, maxTotalRecords: 10_000, maxRecordTokens: 16_000, maxInputTokens: 16_000, maxOutputTokens: 16_000 },
  },
  {
    prefixes: ['meta.llama3-2-90b'],
    rules: { family: 'Llama 3.2 90B', formats: { 'fine-tuning': 'converse' }, minRecords: 100, maxTotalRecords: 10_000, maxRecordTokens: 10_000 },
  },
  {
    prefixes: ['meta.llama3-2-', 'meta.llama3-3-'],
    rules: { family: 'Llama 3.2/3.3', formats: { 'fine-tuning': 'converse' }, minRecords: 100, maxTotalRecords: 10_000, maxRecordTokens: 16_000 },
  },
  {
    prefixes: ['amazon.titan-text-premier'],
    rules: { family: 'Titan Text Premier (legacy)', formats: { 'fine-tuning': 'prompt-completion' }, maxTrainRecords: { 'fine-tuning': 20_000 }, maxRecordTokens: 4_096, maxTrainBytes: 1 * GB, maxValidationBytes: 100 * MB, notes: ['Titan Text is no longer in the current fine-tunable list; check customizationsSupported.'] },
  },
  {
    prefixes: ['amazon.titan-text-express', 'amazon.titan-text-lite'],
    rules: { family: 'Titan Text Lite/Express (legacy)', formats: { 'fine-tuning': 'prompt-completion', 'continued-pre-training': 'cpt-input' }, maxTrainRecords: { 'fine-tuning': 10_000, 'continued-pre-training': 100_000 }, maxRecordTokens: 4_096, maxTrainBytes: 1 * GB, maxValidationBytes: 100 * MB, notes: ['Token limit shown is for batch size 1 (2,048 at larger batch sizes).', 'Titan Text is no longer in the current fine-tunable list; check customizationsSupported.'] },
  },
  {
    prefixes: ['cohere.command'],
    rules: { family: 'Cohere Command (deprecated)', formats: { 'fine-tuning': 'prompt-completion' }, minRecords: 32, maxTrainRecords: { 'fine-tuning': 10_000 }, maxValidationRecords: 1_000, maxInputTokens: 4_096, maxOutputTokens: 2_048, notes: ['Cohere fine-tuning on Bedrock was deprecated on 2025-09-15.'] },
  },
];

export function knownModelPrefixes(): string[] {
  return RULES.flatMap((r) => r.prefixes);
}

/** Rules for a model id (base id with or without the `:128k` context suffix, or a `…/model-id` ARN). */
export function rulesForModel(modelId: string): ModelDataRules | undefined {
  const id = modelId.includes('/') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId;
  const bare = id.replace(/^(us|eu|apac|global)\./, '');
  return RULES.find((r) => r.prefixes.some((p) => bare.startsWith(p)))?.rules;
}
