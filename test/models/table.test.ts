import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  MODELS,
  bareModelId,
  customOnDemandSupport,
  defaultEpochCount,
  defaultHyperParameters,
  familyOf,
  modelFacts,
  trainingDataRules,
} from '../../src/models/index.js';
import { CATALOG } from '../../src/emulator/catalog.js';
import { rulesForModel } from '../../src/datasets/model-limits.js';
import { checkHyperParameters } from '../../src/training/hyperparameters.js';

const bundledPrices = JSON.parse(readFileSync(new URL('../../prices/bedrock-catalog.json', import.meta.url), 'utf8')) as {
  entries: { modelId: string; unit: string }[];
};

describe('the one model table', () => {
  it('resolves every identifier form of a base model to the same row', () => {
    const forms = [
      'amazon.nova-micro-v1:0',
      'amazon.nova-micro-v1:0:128k',
      'us.amazon.nova-micro-v1:0',
      'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0',
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-micro-v1:0',
    ];
    for (const f of forms) expect(modelFacts(f)?.modelId, f).toBe('amazon.nova-micro-v1:0');
    expect(bareModelId('eu.anthropic.claude-3-haiku-20240307-v1:0')).toBe('anthropic.claude-3-haiku-20240307-v1:0');
    expect(modelFacts('amazon.nova-micro-v1:0:300k')).toBeUndefined();
    expect(modelFacts('arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-micro-v1:0/abc')).toBeUndefined();
  });

  it('has unique ids and every hyperparameter default inside its own range', () => {
    expect(new Set(MODELS.map((m) => m.modelId)).size).toBe(MODELS.length);
    for (const m of MODELS) {
      for (const [name, r] of Object.entries(m.family.hyperParameters)) {
        expect(r.default, `${m.modelId} ${name}`).toBeGreaterThanOrEqual(r.min);
        expect(r.default, `${m.modelId} ${name}`).toBeLessThanOrEqual(r.max);
        if (r.integer) expect(Number.isInteger(r.default)).toBe(true);
      }
      if (m.customizationsSupported.includes('FINE_TUNING')) expect(trainingDataRules(m.modelId)?.formats['fine-tuning'], m.modelId).toBeDefined();
    }
  });

  it('names price ids that exist in the bundled price catalog', () => {
    const ids = new Set(bundledPrices.entries.map((e) => e.modelId));
    for (const m of MODELS) if (m.priceId) expect(ids.has(m.priceId), `${m.modelId} -> ${m.priceId}`).toBe(true);
  });

  it('has one default epochCount, shared by training and cost (Bedrock §3 defaults)', () => {
    expect(defaultEpochCount('amazon.nova-lite-v1:0:300k')).toEqual({ epochs: 2, known: true });
    expect(defaultEpochCount('anthropic.claude-3-haiku-20240307-v1:0:200k')).toEqual({ epochs: 2, known: true });
    expect(defaultEpochCount('meta.llama3-1-8b-instruct-v1:0:128k').epochs).toBe(5);
    expect(defaultEpochCount('amazon.titan-text-premier-v1:0').epochs).toBe(2);
    expect(defaultEpochCount('amazon.titan-text-express-v1').epochs).toBe(5);
    expect(defaultEpochCount('cohere.command-light-text-v14').epochs).toBe(1);
    expect(defaultEpochCount('mistral.unknown-v1')).toEqual({ epochs: 1, known: false });
    expect(defaultHyperParameters('amazon.nova-micro-v1:0')).toEqual({ epochCount: 2, learningRate: 1e-5, learningRateWarmupSteps: 10 });
  });

  it('knows where custom models may be served on demand (model and Region)', () => {
    expect(customOnDemandSupport('amazon.nova-micro-v1:0:128k', 'us-east-1').supported).toBe(true);
    expect(customOnDemandSupport('amazon.nova-micro-v1:0', 'eu-west-1').reason).toMatch(/us-east-1, not eu-west-1/);
    expect(customOnDemandSupport('meta.llama3-3-70b-instruct-v1:0', 'us-west-2').supported).toBe(true);
    expect(customOnDemandSupport('anthropic.claude-3-haiku-20240307-v1:0', 'us-east-1').supported).toBe(false);
    expect(customOnDemandSupport('meta.llama3-1-8b-instruct-v1:0', 'us-east-1').supported).toBe(false);
    expect(customOnDemandSupport('vendor.unknown-v1', 'us-east-1').reason).toMatch(/not in ftrag's model table/);
  });

  it('marks unconfirmed facts null instead of guessing', () => {
    const nova2 = modelFacts('amazon.nova-2-lite-v1:0')!;
    expect(nova2.contextWindowTokens).toBeNull();
    // priceId names where prices are filed, once the catalog lists any (Nova 2 Lite's are third-party, marked unverified there).
    expect(nova2.priceId).toBe('amazon.nova-2-lite-v1:0');
    expect(modelFacts('meta.llama3-2-90b-instruct-v1:0')!.toolUse).toBeNull();
    // Llama 3.1 tool use is confirmed ([CONVERSE]; issue 16): Converse only, toolChoice auto only.
    expect(modelFacts('meta.llama3-1-8b-instruct-v1:0')!).toMatchObject({ toolUse: true, toolUseStreaming: false, toolChoices: ['auto'] });
    expect(modelFacts('amazon.titan-text-express-v1')!.toolUse).toBe(false);
  });

  it('is what the emulator catalog, training-data rules and hyperparameter checks read', () => {
    for (const c of CATALOG) {
      const facts = modelFacts(c.modelId)!;
      expect(c.hyperParameters).toBe(facts.family.hyperParameters);
      expect(c.onDemandCustomDeployment).toBe(facts.onDemandCustomDeploymentRegions.length > 0);
      expect(c.maxOutputTokens).toBe(facts.maxOutputTokens);
    }
    expect(rulesForModel('amazon.nova-pro-v1:0')?.maxTotalRecords).toBe(10_000);
    expect(rulesForModel('amazon.nova-micro-v1:0')?.maxTotalRecords).toBe(20_000);
    expect(rulesForModel('meta.llama3-2-90b-instruct-v1:0')?.maxRecordTokens).toBe(10_000);
    expect(rulesForModel('meta.llama3-2-11b-instruct-v1:0')?.maxRecordTokens).toBe(16_000);
    expect(rulesForModel('meta.llama3-1-70b-instruct-v1:0')?.formats['fine-tuning']).toBe('prompt-completion');
    expect(familyOf('meta.llama3-2-1b-instruct-v1:0')?.family).toBe('meta.llama3-2');
    expect(() => checkHyperParameters('amazon.nova-micro-v1:0', { epochCount: '6' }, 'f')).toThrow(/outside 1-5/);
    expect(() => checkHyperParameters('anthropic.claude-3-haiku-20240307-v1:0', { learningRate: '0.1' }, 'f')).toThrow(/not a hyperparameter/);
  });
});
