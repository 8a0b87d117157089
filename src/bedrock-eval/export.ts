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
import { retrievesKnowledgeBase } from '../config/schema.js';
import type { RunWithItems } from '../schema/items.js';
import type { ItemResult } from '../schema/run-result.js';
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

/**
 * Two passes over the items: one counts each system's answered items (the part count is in every file name), one
 * writes the files, holding at most one part (1,000 lines) per system.
 */
export async function exportBedrockEval({ run, items }: RunWithItems, outDir: string, opts: { systems?: string[] } = {}): Promise<ExportManifest> {
  const wanted = opts.systems ?? run.systems.map((s) => s.id);
  const unknown = wanted.filter((id) => !run.systems.some((s) => s.id === id));
  if (unknown.length) throw new InputError(`no system ${unknown.map((u) => `"${u}"`).join(', ')} in this run (systems: ${run.systems.map((s) => s.id).join(', ')})`, { field: '--systems' });
  const systems = run.systems.filter((s) => wanted.includes(s.id));
  for (const system of systems) {
    if (!IDENTIFIER.test(system.id)) throw new InputError(`system id "${system.id}" is not a valid Bedrock Evaluations source identifier`, { field: 'systems' });
  }
  await mkdir(outDir, { recursive: true });
  const manifest: ExportManifest = { format: 'ftrag-bedrock-eval-export', version: 1, runId: run.runId, evalSetSha256: run.evalSet.sha256, files: [], skippedFailed: {} };
  const answered = new Map(systems.map((s) => [s.id, 0]));
  for (const system of systems) manifest.skippedFailed[system.id] = 0;
  for await (const item of items()) {
    for (const system of systems) {
      const r = item.results[system.id];
      if (!r) continue;
      if (r.error) manifest.skippedFailed[system.id]++;
      else answered.set(system.id, answered.get(system.id)! + 1);
    }
  }
  const writers = systems
    .filter((system) => answered.get(system.id)! > 0)
    .map((system) => ({
      system: system.id,
      jobType: (retrievesKnowledgeBase(system.kind) ? 'rag-retrieve-and-generate' : 'model-evaluation') as BedrockEvalJobType,
      parts: Math.ceil(answered.get(system.id)! / MAX_PROMPTS_PER_JOB),
      part: 0,
      lines: [] as string[],
      ids: [] as string[],
    }));
  const flush = async (w: (typeof writers)[number]) => {
    const suffix = w.parts > 1 ? `.part-${String(w.part + 1).padStart(3, '0')}-of-${String(w.parts).padStart(3, '0')}` : '';
    const file = `${w.system}.${w.jobType}${suffix}.jsonl`;
    await writeFile(join(outDir, file), `${w.lines.join('\n')}\n`);
    manifest.files.push({ file, system: w.system, jobType: w.jobType, sourceIdentifier: w.system, itemIds: w.ids });
    w.part++;
    w.lines = [];
    w.ids = [];
  };
  for await (const item of items()) {
    for (const w of writers) {
      const r = item.results[w.system];
      if (!r || r.error) continue;
      w.lines.push(JSON.stringify(w.jobType === 'model-evaluation' ? modelRecord(item, w.system) : ragRecord(item, w.system)));
      w.ids.push(item.id);
      if (w.lines.length === MAX_PROMPTS_PER_JOB) await flush(w);
    }
  }
  for (const w of writers) if (w.lines.length > 0) await flush(w);
  // Files were finished in item order across systems; the manifest lists them by system, then part, as before.
  const rank = new Map(systems.map((s, k) => [s.id, k]));
  manifest.files.sort((a, b) => rank.get(a.system)! - rank.get(b.system)! || a.file.localeCompare(b.file));
  await writeFile(join(outDir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
