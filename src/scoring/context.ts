/**
 * Retrieval metrics for RAG systems against the item's gold contexts. Gold entries that look like source ids
 * or URIs are matched against RetrievedContext.uri (or its basename, or a string metadata value such as a
 * chunk id); gold passages are matched by text.
 */
import type { RetrievedContext } from '../targets/types.js';
import type { ScoreInput, Scorer } from './types.js';
import { normalizeAnswer, squadTokens, tokenF1 } from './squad.js';

/** Passage text has whitespace; ids and URIs do not. */
export function looksLikeId(entry: string): boolean {
  return entry.length > 0 && entry.length <= 2048 && !/\s/.test(entry.trim());
}

function basename(uriOrId: string): string {
  const noQuery = uriOrId.split(/[?#]/, 1)[0].replace(/\/+$/, '');
  const slash = noQuery.lastIndexOf('/');
  return slash >= 0 ? noQuery.slice(slash + 1) : noQuery;
}

function idMatches(gold: string, ctx: RetrievedContext): boolean {
  const g = gold.trim();
  if (ctx.uri !== undefined) {
    if (ctx.uri === g) return true;
    const b = basename(g);
    if (b !== '' && basename(ctx.uri) === b) return true;
  }
  if (ctx.metadata) {
    for (const v of Object.values(ctx.metadata)) if (typeof v === 'string' && v === g) return true;
  }
  return false;
}

/** Minimum SQuAD token F1 between a chunk and a gold passage for the chunk to count as retrieving it. */
export const TEXT_MATCH_F1 = 0.5;

interface PreparedText {
  norm: string;
  toks: string[];
}

function prepare(text: string): PreparedText {
  return { norm: normalizeAnswer(text), toks: squadTokens(text) };
}

function textMatches(gold: PreparedText, chunk: PreparedText): boolean {
  if (gold.norm === '') return false;
  return chunk.norm.includes(gold.norm) || tokenF1(gold.toks, chunk.toks) >= TEXT_MATCH_F1;
}

/** matches[g][c]: does retrieved chunk c count for gold entry g. */
function matchMatrix(golds: string[], contexts: RetrievedContext[]): boolean[][] {
  const byId = golds.every(looksLikeId);
  if (byId) return golds.map((g) => contexts.map((c) => idMatches(g, c)));
  const chunks = contexts.map((c) => prepare(c.text));
  return golds.map((g) => {
    const gold = prepare(g);
    return chunks.map((c) => textMatches(gold, c));
  });
}

function applicable(input: ScoreInput): { golds: string[]; contexts: RetrievedContext[] } | null {
  const golds = (input.item.contexts ?? []).filter((g) => g.trim() !== '');
  if (golds.length === 0 || input.contexts === undefined) return null;
  return { golds, contexts: input.contexts };
}

/** Share of gold contexts found among the retrieved chunks. A system that retrieved nothing scores 0. */
export const contextRecallScorer = (): Scorer => ({
  name: 'context_recall',
  binary: false,
  higherIsBetter: true,
  score(input) {
    const a = applicable(input);
    if (!a) return { value: null };
    if (a.contexts.length === 0) return { value: 0 };
    const m = matchMatrix(a.golds, a.contexts);
    return { value: m.filter((row) => row.some(Boolean)).length / a.golds.length };
  },
});

/** Share of retrieved chunks that match some gold context (plain precision, not rank-weighted). */
export const contextPrecisionScorer = (): Scorer => ({
  name: 'context_precision',
  binary: false,
  higherIsBetter: true,
  score(input) {
    const a = applicable(input);
    if (!a || a.contexts.length === 0) return { value: null };
    const m = matchMatrix(a.golds, a.contexts);
    let hits = 0;
    for (let c = 0; c < a.contexts.length; c++) if (m.some((row) => row[c])) hits++;
    return { value: hits / a.contexts.length };
  },
});
