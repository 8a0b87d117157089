import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemStreamOf } from '../../src/schema/items.js';
import { exportBedrockEval, MANIFEST_NAME, type ExportManifest } from '../../src/bedrock-eval/export.js';
import { buildRunResult } from '../fixtures/run-results/build-run-result.js';

const IDENTIFIER = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,255}$/;
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

describe('ftrag export bedrock-eval', () => {
  it('writes one model-evaluation dataset per model system and one RAG retrieve-and-generate dataset per RAG system, in the documented shapes', async () => {
    const run = buildRunResult({ items: 40, hostile: false });
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-bedrock-eval-'));
    const manifest = await exportBedrockEval({ run, items: itemStreamOf(run.items) }, dir);
    expect(manifest.files.map((f) => [f.file, f.jobType])).toEqual([
      ['base.model-evaluation.jsonl', 'model-evaluation'],
      ['fine-tuned.model-evaluation.jsonl', 'model-evaluation'],
      ['rag.rag-retrieve-and-generate.jsonl', 'rag-retrieve-and-generate'],
      ['rag-fine-tuned.rag-retrieve-and-generate.jsonl', 'rag-retrieve-and-generate'],
    ]);
    // Model evaluation, bring your own inference responses: prompt, referenceResponse, category, modelResponses[1].
    const base = lines(join(dir, 'base.model-evaluation.jsonl'));
    const item = run.items[0];
    expect(base[0]).toEqual({ prompt: item.prompt, referenceResponse: item.references[0], category: item.category, modelResponses: [{ response: item.results.base.output, modelIdentifier: 'base' }] });
    for (const rec of base) {
      expect(Object.keys(rec).every((k) => ['prompt', 'referenceResponse', 'category', 'modelResponses'].includes(k))).toBe(true);
      expect(rec.modelResponses).toHaveLength(1);
      expect(rec.modelResponses[0].modelIdentifier).toMatch(IDENTIFIER);
    }
    // RAG retrieve-and-generate, bring your own inference responses: conversationTurns[1] with prompt, referenceResponses and output.
    const rag = lines(join(dir, 'rag.rag-retrieve-and-generate.jsonl'));
    const turn = rag[0].conversationTurns[0];
    expect(rag[0].conversationTurns).toHaveLength(1);
    expect(turn.prompt).toEqual({ content: [{ text: item.prompt }] });
    expect(turn.referenceResponses).toEqual(item.references.filter((r) => r !== '').map((text) => ({ content: [{ text }] })));
    expect(turn.output.text).toBe(item.results.rag.output);
    expect(turn.output.knowledgeBaseIdentifier).toBe('rag');
    expect(turn.output.modelIdentifier).toBe('rag');
    expect(turn.output.retrievedPassages.retrievalResults).toEqual((item.results.rag.contexts ?? []).map((c) => ({ ...(c.uri ? { name: c.uri } : {}), content: { text: c.text } })));
    const written = JSON.parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8')) as ExportManifest;
    expect(written.files.find((f) => f.system === 'base')!.itemIds).toEqual(run.items.filter((i) => !i.results.base.error).map((i) => i.id));
  });

  it('splits a system\'s answers into files of at most 1,000 prompts, named per system and part; failed items are left out and counted', async () => {
    const run = buildRunResult({ items: 2150 });
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-bedrock-eval-'));
    const manifest = await exportBedrockEval({ run, items: itemStreamOf(run.items) }, dir, { systems: ['rag-fine-tuned'] });
    const failed = run.items.filter((i) => i.results['rag-fine-tuned'].error).length;
    expect(failed).toBeGreaterThan(0);
    expect(manifest.skippedFailed['rag-fine-tuned']).toBe(failed);
    const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
    expect(files).toEqual(['rag-fine-tuned.rag-retrieve-and-generate.part-001-of-003.jsonl', 'rag-fine-tuned.rag-retrieve-and-generate.part-002-of-003.jsonl', 'rag-fine-tuned.rag-retrieve-and-generate.part-003-of-003.jsonl']);
    const counts = files.map((f) => lines(join(dir, f)).length);
    expect(counts.every((n) => n <= 1000)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2150 - failed);
    await expect(exportBedrockEval({ run, items: itemStreamOf(run.items) }, dir, { systems: ['nope'] })).rejects.toThrow(/no system "nope"/);
  });
});
