import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateTrainingData } from '../../src/datasets/validate.js';
import { InputError } from '../../src/util/errors.js';

const FX = 'test/data/fixtures';
const tmp = mkdtempSync(join(tmpdir(), 'ftrag-validate-'));
function write(name: string, content: string): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}
const NOVA = 'amazon.nova-micro-v1:0:128k';
const conv = (user: string, assistant: string): string =>
  JSON.stringify({ schemaVersion: 'bedrock-conversation-2024', messages: [{ role: 'user', content: [{ text: user }] }, { role: 'assistant', content: [{ text: assistant }] }] });

describe('validateTrainingData', () => {
  it('accepts good Nova data with a recommendation warning and cl100k token estimates', async () => {
    const r = await validateTrainingData(`${FX}/nova-good.jsonl`, { modelId: NOVA });
    expect(r.ok).toBe(true);
    expect(r.errors).toBe(0);
    expect(r.format).toBe('converse');
    expect(r.tokenizer).toMatch(/cl100k_base \(estimate\)/);
    expect(r.training.records).toBe(2);
    expect(r.training.tokens.total.max).toBeGreaterThan(10);
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/recommends at least 100/) })]);
  });

  it('reports every bad Nova line with line and field', async () => {
    const r = await validateTrainingData(`${FX}/nova-bad.jsonl`, { modelId: NOVA });
    expect(r.ok).toBe(false);
    const at = r.problems.filter((p) => p.severity === 'error').map((p) => [p.line, p.field ?? null]);
    expect(at).toEqual([
      [1, 'messages[0].role'],
      [1, 'messages[1].role'],
      [2, 'messages'],
      [3, 'messages[0].content'],
      [3, 'messages[1].role'],
      [4, null],
      [5, null],
      [6, 'messages[1].role'],
    ]);
    expect(r.problems.find((p) => p.line === 2)?.message).toMatch(/"User:"/);
    expect(r.problems.find((p) => p.line === 4)?.message).toMatch(/invalid JSON/);
  });

  it('Claude 3 Haiku: string content, no extra keys, at least 32 records, 32k tokens per record', async () => {
    const good = (i: number): string => JSON.stringify({ system: 's', messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: `a${i}` }] });
    const lines = Array.from({ length: 32 }, (_, i) => good(i));
    expect((await validateTrainingData(write('haiku.jsonl', lines.join('\n')), { modelId: 'anthropic.claude-3-haiku-20240307-v1:0:200k' })).ok).toBe(true);
    lines[3] = JSON.stringify({ system: 's', extra: 1, messages: [{ role: 'user', content: [{ text: 'q' }] }, { role: 'assistant', content: 'a' }] });
    const r = await validateTrainingData(write('haiku-bad.jsonl', lines.slice(0, 10).join('\n')), { modelId: 'anthropic.claude-3-haiku-20240307-v1:0:200k' });
    expect(r.problems.filter((p) => p.severity === 'error').map((p) => [p.line, p.field ?? null])).toEqual([
      [4, 'extra'],
      [4, 'messages[0].content'],
      [undefined, null],
    ]);
    expect(r.problems.at(-1)?.message).toMatch(/10 training records; Claude 3 Haiku needs at least 32/);
  });

  it('Llama 3.1 prompt/completion: token limits (estimated) and record limits', async () => {
    const big = 'word '.repeat(20_000);
    const lines = Array.from({ length: 100 }, (_, i) => JSON.stringify({ prompt: `p${i}`, completion: `c${i}` }));
    lines[50] = JSON.stringify({ prompt: big, completion: 'x' });
    lines[60] = JSON.stringify({ prompt: 'p' });
    const r = await validateTrainingData(write('llama.jsonl', lines.join('\n')), { modelId: 'meta.llama3-1-8b-instruct-v1:0:128k' });
    expect(r.ok).toBe(false);
    const errs = r.problems.filter((p) => p.severity === 'error');
    expect(errs.map((p) => [p.line, p.field ?? null])).toEqual([
      [51, null],
      [51, null],
      [61, 'completion'],
    ]);
    expect(errs[0].message).toMatch(/input ≈ \d+ tokens \(cl100k estimate\), limit 16000/);
  });

  it('continued pre-training only where the model supports it; validation file limits', async () => {
    const cpt = write('cpt.jsonl', '{"input":"some text"}\n{"input":"more"}\n');
    const r = await validateTrainingData(cpt, { modelId: 'amazon.titan-text-lite-v1:0:4k', customizationType: 'continued-pre-training' });
    expect(r.ok).toBe(true);
    expect(r.format).toBe('cpt-input');
    await expect(validateTrainingData(cpt, { modelId: NOVA, customizationType: 'continued-pre-training' })).rejects.toThrow(/does not support continued-pre-training/);
    const val = write('val.jsonl', Array.from({ length: 1001 }, (_, i) => JSON.stringify({ prompt: `p${i}`, completion: 'c' })).join('\n'));
    const train = write('train.jsonl', Array.from({ length: 40 }, (_, i) => JSON.stringify({ prompt: `p${i}`, completion: 'c' })).join('\n'));
    const rv = await validateTrainingData(train, { modelId: 'cohere.command-light-text-v14:7:4k', validationFile: val });
    expect(rv.validation?.records).toBe(1001);
    expect(rv.problems.some((p) => p.file === val && /1001 validation records; at most 1000/.test(p.message))).toBe(true);
  });

  it('empty file, huge line, unknown model and missing file', async () => {
    const empty = await validateTrainingData(write('empty.jsonl', '\n'), { modelId: NOVA });
    expect(empty.ok).toBe(false);
    expect(empty.problems[0].message).toMatch(/empty file/);
    const huge = write('huge.jsonl', `${conv('q', 'a')}\n{"x":"${'y'.repeat(11 * 1024 * 1024)}"}\n${conv('q2', 'a2')}\n`);
    const rh = await validateTrainingData(huge, { modelId: NOVA });
    expect(rh.ok).toBe(false);
    expect(rh.problems.find((p) => p.severity === 'error')).toMatchObject({ line: 2, message: expect.stringMatching(/longer than 10 MB.*reading stopped/) });
    await expect(validateTrainingData(huge, { modelId: 'acme.unknown-v1' })).rejects.toThrow(InputError);
    await expect(validateTrainingData(join(tmp, 'none.jsonl'), { modelId: NOVA })).rejects.toThrow(/file not found/);
  });
});
