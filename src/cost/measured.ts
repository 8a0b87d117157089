/**
 * The tokens per query a run measured, as the cost model takes them. `ftrag run` (pricing the run it just made) and
 * `ftrag cost --run run.json` (pricing a saved run) both call this one function over the same counts, so the same
 * run has one price: input and output tokens are the system's measured means, and a retrieving system's query
 * embedding is the question alone (what Retrieve embeds), never the whole RAG prompt with its passages.
 */
import { retrievesKnowledgeBase } from '../config/schema.js';
import type { SystemSummary } from '../schema/run-result.js';
import { countTokens } from '../util/tokenizer.js';
import type { MeasuredTokens } from './types.js';

/** Mean tokens of the questions (what a Knowledge Base embeds per query), counted with the repo tokenizer. */
export function meanPromptTokens(prompts: readonly string[]): number {
  return prompts.length ? prompts.reduce((sum, p) => sum + countTokens(p), 0) / prompts.length : 0;
}

export function measuredTokensOfRun(
  system: Pick<SystemSummary, 'kind' | 'items' | 'errors' | 'tokens'>,
  /** meanPromptTokens of the run's prompts; needed only for a system that retrieves. */
  promptTokensMean: number | undefined,
  where: string,
): MeasuredTokens {
  const retrieves = retrievesKnowledgeBase(system.kind);
  if (retrieves && promptTokensMean === undefined) throw new Error(`measuredTokensOfRun: ${system.kind} embeds its queries, so the prompts' mean token count is needed`);
  return {
    inputTokensMean: system.tokens.input.mean,
    outputTokensMean: system.tokens.output.mean,
    queryEmbeddingTokensMean: retrieves ? promptTokensMean : undefined,
    provenance: `measured ${where} over ${system.items - system.errors} answered items${system.tokens.estimated ? ' (some counts estimated with the tokenizer)' : ''}`,
  };
}
