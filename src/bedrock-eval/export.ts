/**
 * exportBedrockEval: a saved run as the "bring your own inference responses" prompt datasets Amazon Bedrock
 * Evaluations accept, one set of files per system, at most 1,000 prompts a file (the per-job limit).
 *
 * Formats (Amazon Bedrock User Guide, model-evaluation-prompt-datasets-judge and
 * knowledge-base-evaluation-prompt-retrieve-generate, "your own inference response data"):
 * - model evaluation job (base, fine-tuned): one JSON object a line,
 *   `{"prompt", "referenceResponse", "category", "modelResponses": [{"response", "modelIdentifier"}]}`;
 *   one modelIdentifier per job, which is the job's precomputedInferenceSource inferenceSourceIdentifier.
 * - RAG retrieve-and-generate evaluation job (rag, rag-fine-tuned): `{"conversationTurns": [{"prompt": {"content":
 *   [{"text"}]}, "referenceResponses": [{"content": [{"text"}]}], "output": {"text", "modelIdentifier",
 *   "knowledgeBaseIdentifier", "retrievedPassages": {"retrievalResults": [{"name", "content": {"text"}}]}}}]}`;
 *   knowledgeBaseIdentifier is the job's precomputed ragSourceIdentifier.
 * Identifiers must match [a-zA-Z0-9]([a-zA-Z0-9._-]){0,255}: ftrag system ids already do.
 * Items a system failed on have no response to judge and are left out (counted in the manifest).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ItemResult, RunResult } from '../schema/run-result.js';
import { InputError } from '../util/errors.js';

export const MAX_PROMPTS_PER_JOB = 1000;
const IDENTIFIER = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,255}$/;

export type BedrockEvalJobType = 'model-evaluation' | 'rag-retrieve-and-generate';

export interface ExportedFile {
  file: string;
  system: string;
  jobType: BedrockEvalJobType;
  /** The identifier to give the job: inferenceSourceIdentifier (model) or ragSourceIdentifier (RAG). */
  sourceIdentifier: string;
  /** Item ids in line order, so `ftrag import bedrock-eval` maps results back without relying on prompt text. */
  itemIds: string[];
}

export interface ExportManifest {
  format: 'ftrag-bedrock-eval-export';
  version: 1;
  runId: string;
  evalSetSha256: string;
  files: ExportedFile[];
  /** Items left out per system because the system failed on them. */
  skippedFailed: Record<string, number>;
}

export const MANIFEST_NAME = 'bedrock-eval-manifest.json';

function isRag(kind: string): boolean {
  return kind === 'rag' || kind === 'rag-fine-tuned';
}

function modelRecord(item: ItemResult, system: string): Record<string, unknown> {
  const r = item.results[system];
  return {
    prompt: item.prompt,
    ...(item.references[0] !== undefined && item.references[0] !== '' ? { referenceResponse: item.references[0] } : {}),
    ...(item.category ? { category: item.category } : {}),
    modelResponses: [{ response: r.output, modelIdentifier: system }],
  };
}

function ragRecord(item: ItemResult, system: string): Record<string, unknown> {
  const r = item.results[system];
  const refs = item.references.filter((t) => t !== '');
  return {
    conversationTurns: [
      {
        prompt: { content: [{ text: item.prompt }] },
        ...(refs.length ? { referenceResponses: refs.map((text) => ({ content: [{ text }] })) } : {}),
        output: {
          text: r.output,
          modelIdentifier: system,
          knowledgeBaseIdentifier: system,
          retrievedPassages: {
            retrievalResults: (r.contexts ?? []).map((c) => ({ ...(c.uri ? { name: c.uri } : {}), content: { text: c.text } })),
          },
        },
      },
    ],
  };
}

export async function exportBedrockEval(run: RunResult, outDir: string, opts: { systems?: string[] } = {}): Promise<ExportManifest> {
  const wanted = opts.systems ?? run.systems.map((s) => s.id);
  const unknown = wanted.filter((id) => !run.systems.some((s) => s.id === id));
  if (unknown.length) throw new InputError(`no system ${unknown.map((u) => `"${u}"`).join(', ')} in this run (systems: ${run.systems.map((s) => s.id).join(', ')})`, { field: '--systems' });
  await mkdir(outDir, { recursive: true });
  const manifest: ExportManifest = { format: 'ftrag-bedrock-eval-export', version: 1, runId: run.runId, evalSetSha256: run.evalSet.sha256, files: [], skippedFailed: {} };
  for (const system of run.systems.filter((s) => wanted.includes(s.id))) {
    if (!IDENTIFIER.test(system.id)) throw new InputError(`system id "${system.id}" is not a valid Bedrock Evaluations source identifier`, { field: 'systems' });
    const answered = run.items.filter((i) => i.results[system.id] && !i.results[system.id].error);
    manifest.skippedFailed[system.id] = run.items.filter((i) => i.results[system.id]?.error).length;
    if (answered.length === 0) continue;
    const jobType: BedrockEvalJobType = isRag(system.kind) ? 'rag-retrieve-and-generate' : 'model-evaluation';
    const parts = Math.ceil(answered.length / MAX_PROMPTS_PER_JOB);
    for (let p = 0; p < parts; p++) {
      const chunk = answered.slice(p * MAX_PROMPTS_PER_JOB, (p + 1) * MAX_PROMPTS_PER_JOB);
      const suffix = parts > 1 ? `.part-${String(p + 1).padStart(3, '0')}-of-${String(parts).padStart(3, '0')}` : '';
      const file = `${system.id}.${jobType}${suffix}.jsonl`;
      const lines = chunk.map((item) => JSON.stringify(jobType === 'model-evaluation' ? modelRecord(item, system.id) : ragRecord(item, system.id)));
      await writeFile(join(outDir, file), `${lines.join('\n')}\n`);
      manifest.files.push({ file, system: system.id, jobType, sourceIdentifier: system.id, itemIds: chunk.map((i) => i.id) });
    }
  }
  await writeFile(join(outDir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
