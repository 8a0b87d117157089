/**
 * Knowledge Base coverage: the share of test references the KB documents could support. A reference counts as
 * found when its normalized text is a substring of a normalized chunk, or when some window of the chunk as long as
 * the reference reaches token-F1 >= threshold (SQuAD's F1 on bags of words). Chunks follow Bedrock's default shape
 * (about 300 tokens, 20 % overlap), approximated in words so no tokenizer pass is needed.
 */
import { InputError } from '../util/errors.js';
import { readTextDocuments, TEXT_DOCUMENT_EXTENSIONS } from './documents.js';
import { normalizeText, words } from './minhash.js';
import type { EvalSet } from './types.js';

export interface KbChunk {
  source: string;
  words: string[];
  text: string;
}

export interface CoverageReport {
  folder: string;
  documents: number;
  chunks: number;
  threshold: number;
  /** Items with at least one non-empty reference (unanswerable items are not counted). */
  checked: number;
  covered: number;
  /** covered / checked (0 when nothing was checked). */
  share: number;
  byCategory: Record<string, { checked: number; covered: number; share: number }>;
  /** Ids of items whose reference was not found, in eval-set order. */
  missing: string[];
}

const CHUNK_WORDS = 225; // ≈ 300 cl100k tokens of English prose
const OVERLAP_WORDS = 45; // 20 %

export async function readKbChunks(folder: string): Promise<{ documents: number; chunks: KbChunk[] }> {
  const { documents } = await readTextDocuments(folder);
  if (documents.length === 0) throw new InputError(`no text documents (${[...TEXT_DOCUMENT_EXTENSIONS].join(' ')}) in the folder`, { file: folder });
  const chunks: KbChunk[] = [];
  for (const doc of documents) {
    let text = doc.text;
    if (/\.html?$/i.test(doc.path)) text = text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ');
    const w = words(normalizeText(text));
    const source = doc.path;
    for (let start = 0; start < w.length; start += CHUNK_WORDS - OVERLAP_WORDS) {
      const slice = w.slice(start, start + CHUNK_WORDS);
      chunks.push({ source, words: slice, text: slice.join(' ') });
      if (start + CHUNK_WORDS >= w.length) break;
    }
  }
  return { documents: documents.length, chunks };
}

/** Best token-F1 of any window of `chunk` with the reference's length. Windows of equal length make P = R. */
function bestWindowF1(ref: Map<string, number>, refLen: number, chunk: string[]): number {
  const L = Math.min(refLen, chunk.length);
  const win = new Map<string, number>();
  let overlap = 0;
  const add = (w: string, d: number): void => {
    const before = win.get(w) ?? 0;
    const need = ref.get(w) ?? 0;
    const after = before + d;
    win.set(w, after);
    overlap += Math.min(after, need) - Math.min(before, need);
  };
  let best = 0;
  for (let i = 0; i < chunk.length; i++) {
    add(chunk[i], 1);
    if (i >= L) add(chunk[i - L], -1);
    if (i >= L - 1 && overlap > 0) {
      const p = overlap / L;
      const r = overlap / refLen;
      best = Math.max(best, (2 * p * r) / (p + r));
    }
  }
  return best;
}

export function checkCoverage(evalSet: EvalSet, kb: { folder: string; documents: number; chunks: KbChunk[] }, opts: { threshold?: number } = {}): CoverageReport {
  const threshold = opts.threshold ?? 0.8;
  // Inverted index: word -> chunk ids, so each reference only visits chunks that could reach the threshold.
  const index = new Map<string, number[]>();
  kb.chunks.forEach((c, i) => {
    for (const w of new Set(c.words)) {
      const list = index.get(w);
      if (list) list.push(i);
      else index.set(w, [i]);
    }
  });
  const covers = (ref: string): boolean => {
    const n = normalizeText(ref);
    const rw = words(n);
    if (rw.length === 0) return false;
    const counts = new Map<string, number>();
    for (const w of rw) counts.set(w, (counts.get(w) ?? 0) + 1);
    // Upper bound on a window's overlap per chunk: the reference tokens whose word the chunk contains at all.
    const bound = new Map<number, number>();
    for (const [w, c] of counts) for (const id of index.get(w) ?? []) bound.set(id, (bound.get(id) ?? 0) + c);
    for (const [id, b] of bound) {
      if (b < threshold * rw.length) continue;
      const chunk = kb.chunks[id];
      if (` ${chunk.text} `.includes(` ${n} `)) return true;
      if (bestWindowF1(counts, rw.length, chunk.words) >= threshold) return true;
    }
    return false;
  };
  let checked = 0;
  let covered = 0;
  const byCategory: CoverageReport['byCategory'] = {};
  const missing: string[] = [];
  for (const item of evalSet.items) {
    const refs = item.references.filter((r) => normalizeText(r) !== '');
    if (refs.length === 0) continue;
    checked++;
    const cat = (byCategory[item.category ?? '(none)'] ??= { checked: 0, covered: 0, share: 0 });
    cat.checked++;
    if (refs.some(covers)) {
      covered++;
      cat.covered++;
    } else {
      missing.push(item.id);
    }
  }
  for (const c of Object.values(byCategory)) c.share = c.checked ? c.covered / c.checked : 0;
  return {
    folder: kb.folder,
    documents: kb.documents,
    chunks: kb.chunks.length,
    threshold,
    checked,
    covered,
    share: checked ? covered / checked : 0,
    byCategory,
    missing,
  };
}
