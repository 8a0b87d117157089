import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedItemId, loadEvalSet } from '../../src/datasets/load.js';
import { InputError } from '../../src/util/errors.js';
import { SQUAD_DEV } from '../shared-data.js';

const FX = 'test/fixtures/eval-sets';
const tmp = mkdtempSync(join(tmpdir(), 'ftrag-load-'));
function write(name: string, content: string | Buffer): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

async function inputError(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('loadEvalSet happy paths', () => {
  it('reads our JSONL: ids, references, optional fields, blank lines, numeric ids, generated ids', async () => {
    const set = await loadEvalSet(`${FX}/ours.jsonl`);
    expect(set.format).toBe('jsonl');
    expect(set.name).toBe('ours');
    expect(set.sha256).toBe(createHash('sha256').update(readFileSync(`${FX}/ours.jsonl`)).digest('hex'));
    expect(set.items.map((i) => i.id)).toEqual(['q1', generatedItemId('Name two primary colours.'), '7']);
    expect(set.items[0]).toEqual({ id: 'q1', prompt: 'What is the capital of France?', references: ['Paris'], category: 'geo' });
    expect(set.items[1]).toMatchObject({
      references: ['red and blue', 'blue and yellow'],
      system: 'Answer briefly.',
      contexts: ['doc-1'],
      metadata: { difficulty: 2 },
    });
    expect(set.items[2].references).toEqual(['']);
  });

  it('reads CSV with JSON-array and |-separated lists, multi-line cells and extra columns into metadata', async () => {
    const set = await loadEvalSet(`${FX}/ours.csv`, { name: 'custom' });
    expect(set.format).toBe('csv');
    expect(set.name).toBe('custom');
    expect(set.items).toHaveLength(3);
    expect(set.items[0]).toEqual({ id: 'c1', prompt: 'What is 2+2?', references: ['4'], category: 'math', metadata: { source: 'book' } });
    expect(set.items[1]).toMatchObject({ id: 'c2', prompt: 'Say hi, politely', references: ['hi', 'hello'], contexts: ['a', 'b'] });
    expect(set.items[2]).toMatchObject({ id: 'c3', prompt: 'Multi\nline prompt', references: ['x', 'y'], contexts: ['ctx'] });
  });

  it('reads Bedrock evaluation JSONL', async () => {
    const set = await loadEvalSet(`${FX}/bedrock-eval.jsonl`);
    expect(set.format).toBe('bedrock-eval');
    expect(set.items[0]).toMatchObject({ prompt: 'Who wrote Hamlet?', references: ['Shakespeare'], category: 'literature' });
    expect(set.items[1].category).toBeUndefined();
  });

  it('reads Bedrock prompt/completion fine-tuning JSONL', async () => {
    const set = await loadEvalSet(`${FX}/bedrock-ft.jsonl`);
    expect(set.format).toBe('bedrock-ft');
    expect(set.items.map((i) => i.references[0])).toEqual(['chat', 'chien']);
  });

  it('reads the conversation format: last assistant turn is the reference, user turns the prompt', async () => {
    const set = await loadEvalSet(`${FX}/conversation.jsonl`);
    expect(set.format).toBe('bedrock-conversation');
    expect(set.items[0]).toMatchObject({ prompt: 'What is the refund window?', references: ['30 days.'], system: 'You are a helpful assistant.' });
    expect(set.items[1]).toMatchObject({ prompt: 'Hi\n\nStore hours?', references: ['9 to 5.'] });
  });

  it("reads Claude 3 Haiku's string-content conversation format", async () => {
    const set = await loadEvalSet(`${FX}/haiku.jsonl`);
    expect(set.format).toBe('bedrock-conversation');
    expect(set.items[0]).toMatchObject({ prompt: 'Largest planet?', references: ['Jupiter'], system: 'Be terse.' });
  });

  it('reads SQuAD v2: deduplicated answers, unanswerable -> [""], title as category, paragraph as context', async () => {
    const set = await loadEvalSet(`${FX}/squad-mini.json`);
    expect(set.format).toBe('squad-v2');
    expect(set.items).toEqual([
      { id: 's1', prompt: 'Where is Normandy?', references: ['France', 'in France'], category: 'Normans', contexts: ['The Normans lived in Normandy, France.'] },
      { id: 's2', prompt: 'Who ruled the moon?', references: [''], category: 'Normans', contexts: ['The Normans lived in Normandy, France.'] },
    ]);
  });

  it.skipIf(!SQUAD_DEV)('loads the real SQuAD v2 dev file (6,078 questions, 3,168 unanswerable) in file order', async () => {
    const set = await loadEvalSet(SQUAD_DEV!);
    expect(set.items).toHaveLength(6078);
    expect(set.items.filter((i) => i.references.length === 1 && i.references[0] === '')).toHaveLength(3168);
    expect(set.items[0]).toMatchObject({ prompt: 'In what country is Normandy located?', references: ['France'], category: 'Normans' });
    expect(new Set(set.items.map((i) => i.id)).size).toBe(6078);
  });

  it('honours an explicit format over detection', async () => {
    const p = write('eval-as-ours.jsonl', '{"prompt":"p","referenceResponse":"r"}\n');
    const err = await inputError(loadEvalSet(p, { format: 'jsonl' }));
    expect(err.message).toMatch(/line 1, field "referenceResponse": unknown field/);
    expect((await loadEvalSet(p)).format).toBe('bedrock-eval');
  });

  it('streams 100,000 JSONL records and keeps file order', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(JSON.stringify({ id: `i${i}`, prompt: `question ${i}`, reference: `answer ${i}` }));
    const p = write('big.jsonl', lines.join('\n'));
    const set = await loadEvalSet(p);
    expect(set.items).toHaveLength(100_000);
    expect(set.items[99_999]).toEqual({ id: 'i99999', prompt: 'question 99999', references: ['answer 99999'] });
  });
});

describe('loadEvalSet bad input names file, line and field', () => {
  it('broken JSON', async () => {
    const p = write('broken.jsonl', '{"prompt":"a","reference":"b"}\n{"prompt": "c", "reference": \n');
    const err = await inputError(loadEvalSet(p));
    expect(err.location).toMatchObject({ file: p, line: 2 });
    expect(err.message).toContain(`${p}, line 2: invalid JSON`);
  });

  it('a line that is not an object', async () => {
    const p = write('array-line.jsonl', '{"prompt":"a","reference":"b"}\n[1,2]\n');
    const err = await inputError(loadEvalSet(p));
    expect(err.message).toMatch(/line 2: each line must be one JSON object, found an array/);
  });

  it('missing prompt lists the keys found', async () => {
    const p = write('wrong-keys.jsonl', '{"question":"a","answer":"b"}\n');
    const err = await inputError(loadEvalSet(p));
    expect(err.location).toEqual({ file: p, line: 1, field: 'question' });
    const p2 = write('no-prompt.jsonl', '{"reference":"b"}\n');
    const err2 = await inputError(loadEvalSet(p2));
    expect(err2.location).toEqual({ file: p2, line: 1, field: 'prompt' });
    expect(err2.message).toMatch(/missing required field "prompt" \(keys found: reference\)/);
  });

  it('wrong types', async () => {
    const p = write('types.jsonl', '{"prompt":"a","references":["x", 3]}\n');
    expect((await inputError(loadEvalSet(p))).location).toEqual({ file: p, line: 1, field: 'references[1]' });
    const p2 = write('types2.jsonl', '{"prompt":"a","reference":"b"}\n{"prompt":"a2","reference":"b","category":5}\n');
    const err = await inputError(loadEvalSet(p2));
    expect(err.location).toEqual({ file: p2, line: 2, field: 'category' });
    expect(err.message).toMatch(/must be a string, found a number/);
  });

  it('duplicate ids, given or generated', async () => {
    const p = write('dup.jsonl', '{"id":"a","prompt":"x","reference":"1"}\n{"id":"b","prompt":"y","reference":"1"}\n{"id":"a","prompt":"z","reference":"1"}\n');
    const err = await inputError(loadEvalSet(p));
    expect(err.location).toEqual({ file: p, line: 3, field: 'id' });
    expect(err.message).toMatch(/duplicate id "a" \(first on line 1\)/);
    const p2 = write('dup-gen.jsonl', '{"prompt":"same","reference":"1"}\n{"prompt":"same","reference":"2"}\n');
    expect((await inputError(loadEvalSet(p2))).message).toMatch(/line 2, field "id": duplicate id .*prompt repeats line 1/);
  });

  it('empty files of every kind', async () => {
    for (const [name, content] of [['empty.jsonl', ''], ['blank.jsonl', '\n\n  \n'], ['empty.csv', ''], ['empty.json', '']] as const) {
      const p = write(name, content);
      const err = await inputError(loadEvalSet(p));
      expect(err.message).toMatch(/empty file/);
      expect(err.location.file).toBe(p);
    }
    const header = write('header-only.csv', 'prompt,reference\n');
    expect((await inputError(loadEvalSet(header))).message).toMatch(/no records after the header row/);
  });

  it('a huge line is rejected without reading it whole', async () => {
    const huge = `{"prompt":"${'x'.repeat(11 * 1024 * 1024)}","reference":"r"}`;
    const p = write('huge.jsonl', `{"prompt":"a","reference":"b"}\n${huge}\n`);
    const err = await inputError(loadEvalSet(p));
    expect(err.location).toMatchObject({ file: p, line: 2 });
    expect(err.message).toMatch(/longer than 10 MB/);
  });

  it('CSV: missing required column, ragged row, bad JSON cell', async () => {
    const p = write('nocol.csv', 'question,reference\nq,a\n');
    const err = await inputError(loadEvalSet(p));
    expect(err.location).toEqual({ file: p, line: 1, field: 'prompt' });
    const p2 = write('noref.csv', 'prompt,answer\nq,a\n');
    expect((await inputError(loadEvalSet(p2))).location).toEqual({ file: p2, line: 1, field: 'reference' });
    const p3 = write('ragged.csv', 'prompt,reference\nq,a\nq2,a2,extra\n');
    const e3 = await inputError(loadEvalSet(p3));
    expect(e3.location).toMatchObject({ file: p3, line: 3 });
    expect(e3.message).toMatch(/invalid CSV/);
    const p4 = write('badcell.csv', 'prompt,references\nq,"[""a"",]"\n');
    expect((await inputError(loadEvalSet(p4))).location).toEqual({ file: p4, line: 2, field: 'references' });
    const p5 = write('emptyprompt.csv', 'prompt,reference\n"",a\n');
    expect((await inputError(loadEvalSet(p5))).location).toEqual({ file: p5, line: 2, field: 'prompt' });
  });

  it('conversation records without an assistant turn or with bad content', async () => {
    const p = write('conv.jsonl', '{"messages":[{"role":"user","content":[{"text":"q"}]}]}\n');
    expect((await inputError(loadEvalSet(p))).location).toEqual({ file: p, line: 1, field: 'messages' });
    const p2 = write('conv2.jsonl', '{"messages":[{"role":"user","content":[{"text":1}]},{"role":"assistant","content":"a"}]}\n');
    expect((await inputError(loadEvalSet(p2))).location).toEqual({ file: p2, line: 1, field: 'messages[0].content[0].text' });
  });

  it('SQuAD with broken JSON or bad structure', async () => {
    const p = write('bad-squad.json', '{"version":"v2.0",\n"data":[\n{"title":"x",]}');
    const err = await inputError(loadEvalSet(p));
    expect(err.message).toMatch(/invalid JSON/);
    expect(err.location.line).toBe(3);
    const p2 = write('bad-squad2.json', '{"version":"v2.0","data":[{"title":"t","paragraphs":[{"context":"c","qas":[{"id":"a","answers":[]}]}]}]}');
    expect((await inputError(loadEvalSet(p2))).location.field).toBe('data[0].paragraphs[0].qas[0].question');
  });

  it('missing file and JSON arrays', async () => {
    expect((await inputError(loadEvalSet(join(tmp, 'nope.jsonl')))).message).toMatch(/file not found/);
    const p = write('arr.json', '[{"prompt":"a"}]');
    expect((await inputError(loadEvalSet(p))).message).toMatch(/JSON array is not a supported eval set/);
  });
});
