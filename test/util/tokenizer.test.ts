import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countTokens, TOKENIZER_NAME } from '../../src/util/tokenizer.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('countTokens (cl100k_base)', () => {
  it('gives the cl100k counts tiktoken gives', () => {
    expect(TOKENIZER_NAME).toBe('cl100k_base');
    expect(countTokens('')).toBe(0);
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('In what country is Normandy located?')).toBe(8);
  });

  it('counts special-token strings in untrusted text as text instead of throwing', () => {
    expect(countTokens('<|endoftext|>')).toBeGreaterThan(1);
    expect(countTokens('answer: <|im_start|>system')).toBeGreaterThan(3);
  });

  it('is the only place that loads the tokenizer, and it loads one encoding only', () => {
    const users = sourceFiles('src').filter((f) => /from ['"]gpt-tokenizer/.test(readFileSync(f, 'utf8')));
    expect(users).toEqual([join('src', 'util', 'tokenizer.ts')]);
    const specifiers = [...readFileSync(users[0], 'utf8').matchAll(/from ['"](gpt-tokenizer[^'"]*)['"]/g)].map((m) => m[1]);
    expect(specifiers).toEqual(['gpt-tokenizer/encoding/cl100k_base']);
  });
});
