import { describe, expect, it } from 'vitest';
import { citedPassages, ragGenerateTemplate, toModelArn } from '../../src/targets/bedrock-kb.js';
import { DEFAULT_RAG_TEMPLATE } from '../../src/targets/index.js';

describe('bedrock-kb fixes', () => {
  it('an inference-profile id becomes an inference-profile ARN (never foundation-model/us.…), or is refused without the account', () => {
    expect(toModelArn('us.amazon.nova-lite-v1:0', 'us-east-1', '111122223333')).toBe('arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.amazon.nova-lite-v1:0');
    expect(() => toModelArn('us.amazon.nova-lite-v1:0', 'us-east-1')).toThrow(/inference-profile ARN/);
    expect(toModelArn('amazon.nova-lite-v1:0', 'us-east-1')).toBe('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0');
  });

  it('RetrieveAndGenerate keeps the system prompt at the top of the generation template', () => {
    expect(ragGenerateTemplate(undefined, undefined)).toBeUndefined();
    expect(ragGenerateTemplate(undefined, 'Answer in French.')).toBe(`Answer in French.\n\n${DEFAULT_RAG_TEMPLATE}`);
    expect(ragGenerateTemplate('T $search_results$ $query$', 'S')).toBe('S\n\nT $search_results$ $query$');
  });

  it('citedPassages marks only what the answer cites: none when it cites none', () => {
    const ctx = [{ text: 'a' }, { text: 'b' }, { text: 'c' }];
    expect(citedPassages('no citation here', ctx)).toEqual([]);
    expect(citedPassages('see [2] and [9]', ctx)).toEqual([{ text: 'b' }]);
  });
});
