import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertDataset, trainingFormatForModel } from '../../src/datasets/convert.js';
import { loadEvalSet } from '../../src/datasets/load.js';
import { validateTrainingData } from '../../src/datasets/validate.js';
import { runCli, tempDir } from '../e2e/cli.js';

const jsonl = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
const write = (dir: string, name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('ftrag data convert', () => {
  it('picks the training format per target model', () => {
    expect(trainingFormatForModel('amazon.nova-micro-v1:0:128k')).toBe('bedrock-conversation-2024');
    expect(trainingFormatForModel('anthropic.claude-3-haiku-20240307-v1:0:200k')).toBe('claude-messages');
    expect(trainingFormatForModel('meta.llama3-1-8b-instruct-v1:0:128k')).toBe('prompt-completion');
    expect(() => trainingFormatForModel('acme.unknown-v1')).toThrow(/no fine-tuning data format/);
  });

  it('prompt/completion -> conversation -> Claude messages -> prompt/completion keeps every record, and each result validates for its model', async () => {
    const dir = tempDir('ftrag-convert-');
    const rows = Array.from({ length: 5 }, (_, i) => ({ prompt: `Which gate serves flight ${i + 10}?`, completion: `Gate ${String.fromCharCode(65 + i)}${i}` }));
    const src = write(dir, 'pc.jsonl', jsonl(rows));
    const conv = await convertDataset(src, 'bedrock-conversation-2024');
    expect(conv.sourceFormat).toBe('prompt-completion');
    const convFile = write(dir, 'conv.jsonl', conv.text);
    const nova = await validateTrainingData(convFile, { modelId: 'amazon.nova-micro-v1:0:128k' });
    expect(nova.errors).toBe(0);
    const claude = await convertDataset(convFile, 'claude-messages');
    expect(claude.sourceFormat).toBe('bedrock-conversation-2024');
    const claudeFile = write(dir, 'claude.jsonl', claude.text);
    expect(JSON.parse(claude.text.split('\n')[0])).toEqual({ messages: [{ role: 'user', content: rows[0].prompt }, { role: 'assistant', content: rows[0].completion }] });
    const haiku = await validateTrainingData(claudeFile, { modelId: 'anthropic.claude-3-haiku-20240307-v1:0:200k' });
    expect(haiku.problems.filter((p) => p.severity === 'error' && p.line !== undefined)).toEqual([]);
    const back = await convertDataset(claudeFile, 'prompt-completion');
    expect(back.sourceFormat).toBe('claude-messages');
    expect(back.text).toBe(jsonl(rows));
  });

  it('CSV -> Bedrock evaluation JSONL -> SQuAD JSON -> our JSONL loads as the same eval set', async () => {
    const dir = tempDir('ftrag-convert-');
    const csv = write(dir, 'q.csv', 'id,prompt,reference,category\na1,"Who wrote ""Tide Charts""?",Mara Quell,books\na2,What year did the bridge open?,1931,history\n');
    const evalText = (await convertDataset(csv, 'bedrock-eval')).text;
    expect(evalText.split('\n')[0]).toBe(JSON.stringify({ prompt: 'Who wrote "Tide Charts"?', referenceResponse: 'Mara Quell', category: 'books' }));
    const squad = await convertDataset(csv, 'squad-v2');
    const squadFile = write(dir, 'q.json', squad.text);
    const ours = await convertDataset(squadFile, 'jsonl');
    const oursFile = write(dir, 'q.jsonl', ours.text);
    const original = await loadEvalSet(csv);
    const final = await loadEvalSet(oursFile);
    expect(final.items.map((i) => [i.id, i.prompt, i.references, i.category])).toEqual(original.items.map((i) => [i.id, i.prompt, i.references, i.category]));
    const backToCsv = await convertDataset(oursFile, 'csv');
    expect((await loadEvalSet(write(dir, 'again.csv', backToCsv.text))).items).toEqual(original.items);
  });

  it('a record the target cannot hold is refused with file, line and field', async () => {
    const dir = tempDir('ftrag-convert-');
    const turn = (role: string, text: string) => ({ role, content: [{ text }] });
    const src = write(dir, 'multi.jsonl', jsonl([
      { schemaVersion: 'bedrock-conversation-2024', messages: [turn('user', 'hi'), turn('assistant', 'hello')] },
      { schemaVersion: 'bedrock-conversation-2024', messages: [turn('user', 'a'), turn('assistant', 'b'), turn('user', 'c'), turn('assistant', 'd')] },
    ]));
    await expect(convertDataset(src, 'prompt-completion')).rejects.toThrow(/multi\.jsonl, line 2, field "messages": cannot convert to prompt-completion: a conversation of 4 turns/);
    const full = await convertDataset(src, 'claude-messages');
    expect(JSON.parse(full.text.split('\n')[1]).messages).toHaveLength(4);
  });

  it('a bad source line is the loaders\' error; the CLI exits 2 and never overwrites', async () => {
    const dir = tempDir('ftrag-convert-');
    write(dir, 'bad.jsonl', `${JSON.stringify({ prompt: 'q', completion: 'a' })}\n{"prompt": 3, "completion": "x"}\n`);
    const bad = await runCli(['data', 'convert', 'bad.jsonl', '--model', 'amazon.nova-micro-v1:0'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.jsonl, line 2, field "prompt": must be a string/);
    write(dir, 'ok.jsonl', jsonl([{ prompt: 'q', completion: 'a' }]));
    const ok = await runCli(['data', 'convert', 'ok.jsonl', '--model', 'amazon.nova-micro-v1:0'], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(dir, 'ok.bedrock-conversation-2024.jsonl'), 'utf8')).toMatch(/"schemaVersion":"bedrock-conversation-2024"/);
    write(dir, 'ok.bedrock-conversation-2024.jsonl', 'keep me\n');
    const again = await runCli(['data', 'convert', 'ok.jsonl', '--model', 'amazon.nova-micro-v1:0'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(readFileSync(join(dir, 'ok.bedrock-conversation-2024.jsonl'), 'utf8')).toBe('keep me\n');
    const noTarget = await runCli(['data', 'convert', 'ok.jsonl'], { cwd: dir });
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/--to FORMAT/);
  });
});
