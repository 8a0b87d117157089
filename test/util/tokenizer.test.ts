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
    // An import (`from '...'`) or the lazy require the module loads it with (`require)('...')`).
    const loads = /(?:from |require\)?\()['"](gpt-tokenizer[^'"]*)['"]/g;
    const users = sourceFiles('src').filter((f) => [...readFileSync(f, 'utf8').matchAll(loads)].length > 0);
    expect(users).toEqual([join('src', 'util', 'tokenizer.ts')]);
    const specifiers = [...new Set([...readFileSync(users[0], 'utf8').matchAll(loads)].map((m) => m[1]))];
    expect(specifiers).toEqual(['gpt-tokenizer/encoding/cl100k_base']);
  });

  it('loads the encoding on the first count, not when imported', async () => {
    // A fresh module graph: importing the tokenizer module must not build the encoder (a quarter second of CPU).
    const { execFileSync } = await import('node:child_process');
    const script = `
      const before = Object.keys(require.cache).filter((k) => k.includes('gpt-tokenizer')).length;
      const t = await import(${JSON.stringify(join(process.cwd(), 'src', 'util', 'tokenizer.ts'))});
      const imported = Object.keys(require.cache).filter((k) => k.includes('gpt-tokenizer')).length;
      const n = t.countTokens('hello world');
      const counted = Object.keys(require.cache).filter((k) => k.includes('gpt-tokenizer')).length;
      console.log(JSON.stringify({ before, imported, counted: counted > 0, n }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); ${script}`], { encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ before: 0, imported: 0, counted: true, n: 2 });
    // An ESM import would load it outside require.cache, unseen above: only a type import may name the package.
    expect(readFileSync(join('src', 'util', 'tokenizer.ts'), 'utf8')).not.toMatch(/^import (?!type )[^;]*from ['"]gpt-tokenizer/m);
  });
});
