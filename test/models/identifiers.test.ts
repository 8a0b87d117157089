import { describe, expect, it } from 'vitest';
import { RESOURCE_NAME_RULES, converseModelIdProblem, customizationProblem, modelIdForm, resourceName, type ResourceKind } from '../../src/models/identifiers.js';

describe('identifier forms Bedrock accepts', () => {
  it('classifies every modelId form', () => {
    expect(modelIdForm('amazon.nova-micro-v1:0')).toBe('base-id');
    expect(modelIdForm('us.amazon.nova-micro-v1:0')).toBe('inference-profile-id');
    expect(modelIdForm('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0')).toBe('foundation-model-arn');
    expect(modelIdForm('arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-micro-v1:0')).toBe('inference-profile-arn');
    expect(modelIdForm('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3')).toBe('application-inference-profile-arn');
    expect(modelIdForm('arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456')).toBe('provisioned-model-arn');
    expect(modelIdForm('arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/abc123def456')).toBe('custom-model-deployment-arn');
    expect(modelIdForm('arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/ABC')).toBe('unknown-arn');
    expect(modelIdForm('arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-micro-v1:0:128k/abc123')).toBe('custom-model-arn');
    expect(modelIdForm('arn:aws:bedrock:us-east-1:123456789012:foundation-model/x')).toBe('unknown-arn');
  });

  it('refuses what Converse refuses, with the reason', () => {
    expect(converseModelIdProblem('arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-micro-v1:0:128k/abc123')).toMatch(/cannot be invoked on demand/);
    expect(converseModelIdProblem('arn:aws:bedrock:us-east-1:123456789012:imported-model/abc')).toMatch(/imported/);
    expect(converseModelIdProblem('amazon.nova-micro-v1:0:128k')).toMatch(/customization base id.*invoke amazon\.nova-micro-v1:0/);
    expect(converseModelIdProblem('arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456')).toBeUndefined();
    expect(converseModelIdProblem('us.amazon.nova-lite-v1:0')).toBeUndefined();
    expect(customizationProblem('amazon.titan-embed-text-v2:0', 'FINE_TUNING')).toMatch(/does not support FINE_TUNING/);
    expect(customizationProblem('amazon.nova-micro-v1:0', 'CONTINUED_PRE_TRAINING')).toMatch(/does not support/);
    expect(customizationProblem('us.amazon.nova-micro-v1:0', 'FINE_TUNING')).toMatch(/not a inference-profile-id/);
    expect(customizationProblem('amazon.nova-micro-v1:0:128k', 'FINE_TUNING')).toBeUndefined();
  });
});

describe('resource names fit AWS patterns and lengths', () => {
  it('maps ids with dots and underscores, and cuts long ones keeping the suffix', () => {
    const kinds = Object.keys(RESOURCE_NAME_RULES) as ResourceKind[];
    for (const kind of kinds) {
      for (const id of ['ft.v2_large', 'a'.repeat(200), '__x__', 'Ünïcode id']) {
        const name = resourceName(kind, id, '0123456789abcdef');
        expect(name, `${kind} ${id}`).toMatch(RESOURCE_NAME_RULES[kind].pattern);
        expect(name.length).toBeLessThanOrEqual(RESOURCE_NAME_RULES[kind].maxLength);
        expect(name.endsWith('-0123456789abcdef')).toBe(true);
      }
    }
    expect(resourceName('jobName', 'ft.v2_large', 'k')).toBe('ftrag-ft-v2-large-k');
  });
});
