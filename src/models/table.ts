/**
 * THE per-model facts table, keyed by Bedrock base model id. The emulator's catalog, training validation
 * (hyperparameters, training data), pre-flight, `plan` and cost all read it; nothing else may hold its own copy.
 *
 * Sources (each row lists its own): [REF] ../shared/reference/bedrock.md (§3 hyperparameters, custom on-demand,
 * §4 data limits, §6 quota snapshot 2025-06-05); [CONVERSE] AWS "Supported models and model features" table
 * (conversation-inference-supported-models-features: tool use, streaming tool use; Llama 3.1 calls tools in Converse,
 * not ConverseStream, and refuses toolChoice any/tool; Nova accepts any/tool since March 2025); [COUNT] AWS "count-tokens" page (supported models:
 * Claude 3.5 Haiku, 3.5 Sonnet, 3.5 Sonnet v2, 3.7 Sonnet, Opus 4, Sonnet 4 — none of the models below);
 * [SUFFIX] the context-window suffix of the customization base id (`:128k`, `:300k`, `:200k`, `:8k`);
 * [TITAN] model-parameters-titan-text (maxTokenCount maxima). `null` marks a fact not confirmed by any of these.
 */
import { FAMILIES } from './families.js';
import type { FamilyFacts, ModelFacts } from './types.js';

function family(name: string): FamilyFacts {
  const f = FAMILIES.find((x) => x.family === name);
  if (!f) throw new Error(`no model family ${name}`);
  return f;
}

type Row = Omit<ModelFacts, 'family' | 'inputModalities' | 'outputModalities' | 'responseStreamingSupported' | 'lifecycle' | 'inferenceTypesSupported' | 'customizationSuffixes' | 'onDemandCustomDeploymentRegions' | 'sources'> &
  Partial<ModelFacts> & { familyName: string };

function row(r: Row): ModelFacts {
  const { familyName, ...rest } = r;
  return {
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    responseStreamingSupported: true,
    lifecycle: 'ACTIVE',
    inferenceTypesSupported: ['ON_DEMAND', 'PROVISIONED'],
    customizationSuffixes: [],
    onDemandCustomDeploymentRegions: [],
    sources: [],
    ...rest,
    family: family(familyName),
  };
}

const NOVA_SOURCES = ['[REF] §3 hyperparameters, custom on-demand (us-east-1)', '[SUFFIX] context window', '[CONVERSE] tool use', '[COUNT] not listed'];
const NOT_COUNTABLE = false; // see [COUNT]: only newer Claude models are listed

export const MODELS: readonly ModelFacts[] = [
  row({
    modelId: 'amazon.nova-micro-v1:0', modelName: 'Nova Micro', providerName: 'Amazon', familyName: 'amazon.nova',
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'], customizationSuffixes: [':128k'], onDemandCustomDeploymentRegions: ['us-east-1'],
    contextWindowTokens: 128_000, maxOutputTokens: 10_000, toolUse: true, toolUseStreaming: true, toolChoices: ['auto', 'any', 'tool'], countTokens: NOT_COUNTABLE, onDemandQuota: null,
    priceId: 'amazon.nova-micro-v1:0', trainingData: { family: 'Amazon Nova Micro/Lite', maxTotalRecords: 20_000 }, sources: NOVA_SOURCES,
  }),
  row({
    modelId: 'amazon.nova-lite-v1:0', modelName: 'Nova Lite', providerName: 'Amazon', familyName: 'amazon.nova', inputModalities: ['TEXT', 'IMAGE', 'VIDEO'],
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'], customizationSuffixes: [':300k'], onDemandCustomDeploymentRegions: ['us-east-1'],
    contextWindowTokens: 300_000, maxOutputTokens: 10_000, toolUse: true, toolUseStreaming: true, toolChoices: ['auto', 'any', 'tool'], countTokens: NOT_COUNTABLE, onDemandQuota: null,
    priceId: 'amazon.nova-lite-v1:0', trainingData: { family: 'Amazon Nova Micro/Lite', maxTotalRecords: 20_000 }, sources: NOVA_SOURCES,
  }),
  row({
    modelId: 'amazon.nova-pro-v1:0', modelName: 'Nova Pro', providerName: 'Amazon', familyName: 'amazon.nova', inputModalities: ['TEXT', 'IMAGE', 'VIDEO'],
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'], customizationSuffixes: [':300k'], onDemandCustomDeploymentRegions: ['us-east-1'],
    contextWindowTokens: 300_000, maxOutputTokens: 10_000, toolUse: true, toolUseStreaming: true, toolChoices: ['auto', 'any', 'tool'], countTokens: NOT_COUNTABLE,
    onDemandQuota: { requestsPerMinute: 250, tokensPerMinute: 1_000_000, region: 'us-east-1', source: '[REF] §6 (undated 3P summary of the quota page)' },
    priceId: 'amazon.nova-pro-v1:0', trainingData: { family: 'Amazon Nova Pro', maxTotalRecords: 10_000 }, sources: NOVA_SOURCES,
  }),
  row({
    modelId: 'amazon.nova-2-lite-v1:0', modelName: 'Nova 2 Lite', providerName: 'Amazon', familyName: 'amazon.nova',
    customizationsSupported: ['FINE_TUNING'], onDemandCustomDeploymentRegions: ['us-east-1'],
    contextWindowTokens: null, maxOutputTokens: null, toolUse: null, countTokens: null, onDemandQuota: null, priceId: 'amazon.nova-2-lite-v1:0',
    trainingData: { family: 'Amazon Nova Micro/Lite', maxTotalRecords: 20_000 },
    sources: ['[REF] §3 custom on-demand (us-east-1); other facts not confirmed'],
  }),
  row({
    modelId: 'meta.llama3-1-8b-instruct-v1:0', modelName: 'Llama 3.1 8B Instruct', providerName: 'Meta', familyName: 'meta.llama3-1',
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'], customizationSuffixes: [':128k'],
    contextWindowTokens: 128_000, maxOutputTokens: 2_048, toolUse: true, toolUseStreaming: false, toolChoices: ['auto'], countTokens: NOT_COUNTABLE, onDemandQuota: null,
    priceId: 'meta.llama3-1-8b-instruct-v1:0', sources: ['[REF] §3, §4', '[SUFFIX] context window', 'max_gen_len 2048 (Meta Llama parameters page)'],
  }),
  row({
    modelId: 'meta.llama3-1-70b-instruct-v1:0', modelName: 'Llama 3.1 70B Instruct', providerName: 'Meta', familyName: 'meta.llama3-1',
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'], customizationSuffixes: [':128k'],
    contextWindowTokens: 128_000, maxOutputTokens: 2_048, toolUse: true, toolUseStreaming: false, toolChoices: ['auto'], countTokens: NOT_COUNTABLE,
    onDemandQuota: { requestsPerMinute: 400, tokensPerMinute: 300_000, region: 'us-east-1', source: '[REF] §6 (undated 3P summary of the quota page)' },
    priceId: 'meta.llama3-1-70b-instruct-v1:0', sources: ['[REF] §3, §4', '[SUFFIX] context window', 'max_gen_len 2048 (Meta Llama parameters page)'],
  }),
  row({
    modelId: 'meta.llama3-2-90b-instruct-v1:0', modelName: 'Llama 3.2 90B Instruct', providerName: 'Meta', familyName: 'meta.llama3-2',
    customizationsSupported: ['FINE_TUNING'], contextWindowTokens: null, maxOutputTokens: null, toolUse: null, countTokens: null, onDemandQuota: null,
    priceId: 'meta.llama3-2-90b-instruct-v1:0', trainingData: { family: 'Llama 3.2 90B', maxRecordTokens: 10_000 }, sources: ['[REF] §3, §4'],
  }),
  row({
    modelId: 'meta.llama3-3-70b-instruct-v1:0', modelName: 'Llama 3.3 70B Instruct', providerName: 'Meta', familyName: 'meta.llama3-2',
    customizationsSupported: ['FINE_TUNING'], onDemandCustomDeploymentRegions: ['us-west-2'],
    contextWindowTokens: null, maxOutputTokens: null, toolUse: null, countTokens: null, onDemandQuota: null, priceId: 'meta.llama3-3-70b-instruct-v1:0',
    sources: ['[REF] §3 custom on-demand (us-west-2), §4'],
  }),
  row({
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0', modelName: 'Claude 3 Haiku', providerName: 'Anthropic', familyName: 'anthropic.claude-3-haiku',
    inputModalities: ['TEXT', 'IMAGE'], customizationsSupported: ['FINE_TUNING'], customizationSuffixes: [':200k'],
    contextWindowTokens: 200_000, maxOutputTokens: 4_096, toolUse: true, toolUseStreaming: true, toolChoices: ['auto', 'any', 'tool'], countTokens: NOT_COUNTABLE,
    onDemandQuota: { requestsPerMinute: 1_000, tokensPerMinute: 2_000_000, region: 'us-east-1', source: '[REF] §6 General Reference snapshot 2025-06-05' },
    priceId: 'anthropic.claude-3-haiku-20240307-v1:0', sources: ['[REF] §3, §4, §6', '[SUFFIX] context window', '[CONVERSE] Claude 3 models: tool use', 'max output 4096 (Anthropic model comparison)'],
  }),
  row({
    modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', modelName: 'Claude 3.5 Haiku', providerName: 'Anthropic', familyName: 'anthropic.claude-3-haiku',
    customizationsSupported: [], inferenceTypesSupported: ['ON_DEMAND'],
    contextWindowTokens: 200_000, maxOutputTokens: 8_192, toolUse: true, toolUseStreaming: true, toolChoices: ['auto', 'any', 'tool'], countTokens: true, onDemandQuota: null,
    priceId: null, sources: ['[COUNT] listed (the served model CountTokens answers for)', '[CONVERSE] Claude 3.5: tool use, streaming tool use', 'max output 8192 (Anthropic model comparison)'],
  }),
  row({
    modelId: 'amazon.titan-text-express-v1', modelName: 'Titan Text G1 - Express', providerName: 'Amazon', familyName: 'amazon.titan-text', lifecycle: 'LEGACY',
    customizationsSupported: ['FINE_TUNING', 'CONTINUED_PRE_TRAINING'], customizationSuffixes: [':0:8k'],
    contextWindowTokens: 8_000, maxOutputTokens: 8_192, toolUse: false, countTokens: NOT_COUNTABLE,
    onDemandQuota: { requestsPerMinute: 400, tokensPerMinute: 300_000, region: 'us-east-1', source: '[REF] §6 General Reference snapshot 2025-06-05' },
    priceId: 'amazon.titan-text-express-v1',
    trainingData: { family: 'Titan Text Express (legacy)', cptRecordTokens: [{ maxBatchSize: 1, tokens: 4_096 }, { maxBatchSize: 4, tokens: 2_048 }] },
    sources: ['[REF] §3, §4, §6', '[SUFFIX] context window', '[TITAN] maxTokenCount 8192', '[CONVERSE] Titan: no tool use'],
  }),
  row({
    modelId: 'amazon.titan-text-lite-v1', modelName: 'Titan Text G1 - Lite', providerName: 'Amazon', familyName: 'amazon.titan-text', lifecycle: 'LEGACY',
    customizationsSupported: ['FINE_TUNING', 'CONTINUED_PRE_TRAINING'], customizationSuffixes: [':0:4k'],
    contextWindowTokens: 4_000, maxOutputTokens: 4_096, toolUse: false, countTokens: NOT_COUNTABLE,
    onDemandQuota: { requestsPerMinute: 800, tokensPerMinute: 300_000, region: 'us-east-1', source: '[REF] §6 General Reference snapshot 2025-06-05' },
    priceId: 'amazon.titan-text-lite-v1',
    trainingData: { family: 'Titan Text Lite (legacy)', cptRecordTokens: [{ maxBatchSize: 2, tokens: 4_096 }, { maxBatchSize: 6, tokens: 2_048 }] },
    sources: ['[REF] §3, §4, §6', '[SUFFIX] context window', '[TITAN] maxTokenCount 4096', '[CONVERSE] Titan: no tool use'],
  }),
  row({
    modelId: 'amazon.titan-text-premier-v1:0', modelName: 'Titan Text G1 - Premier', providerName: 'Amazon', familyName: 'amazon.titan-text-premier', lifecycle: 'LEGACY',
    customizationsSupported: ['FINE_TUNING'], customizationSuffixes: [':32k'],
    contextWindowTokens: 32_000, maxOutputTokens: 3_072, toolUse: false, countTokens: NOT_COUNTABLE,
    onDemandQuota: { requestsPerMinute: 100, tokensPerMinute: 300_000, region: 'us-east-1', source: '[REF] §6 General Reference snapshot 2025-06-05' },
    priceId: 'amazon.titan-text-premier-v1:0', sources: ['[REF] §3, §4, §6', '[SUFFIX] context window', '[TITAN] maxTokenCount 3072', '[CONVERSE] Titan: no tool use'],
  }),
  row({
    modelId: 'cohere.command-text-v14', modelName: 'Command', providerName: 'Cohere', familyName: 'cohere.command', lifecycle: 'LEGACY',
    customizationsSupported: ['FINE_TUNING'], contextWindowTokens: null, maxOutputTokens: null, toolUse: false, countTokens: NOT_COUNTABLE, onDemandQuota: null,
    priceId: 'cohere.command-text-v14', sources: ['[REF] §3, §4, §5', '[CONVERSE] Cohere Command: no tool use'],
  }),
  row({
    modelId: 'cohere.command-light-text-v14', modelName: 'Command Light', providerName: 'Cohere', familyName: 'cohere.command', lifecycle: 'LEGACY',
    customizationsSupported: ['FINE_TUNING'], contextWindowTokens: null, maxOutputTokens: null, toolUse: false, countTokens: NOT_COUNTABLE,
    onDemandQuota: { requestsPerMinute: 800, tokensPerMinute: 300_000, region: 'us-east-1', source: '[REF] §6 General Reference snapshot 2025-06-05' },
    priceId: 'cohere.command-light-text-v14', sources: ['[REF] §3, §4, §5, §6', '[CONVERSE] Cohere Command: no tool use'],
  }),
  row({
    modelId: 'amazon.titan-embed-text-v2:0', modelName: 'Titan Text Embeddings V2', providerName: 'Amazon', familyName: 'amazon.titan-embed',
    outputModalities: ['EMBEDDING'], responseStreamingSupported: false, inferenceTypesSupported: ['ON_DEMAND'], customizationsSupported: [],
    contextWindowTokens: null, maxOutputTokens: 0, toolUse: false, countTokens: NOT_COUNTABLE, onDemandQuota: null,
    priceId: 'amazon.titan-embed-text-v2:0', sources: ['[REF] §5', '[CONVERSE] no embedding models'],
  }),
];
