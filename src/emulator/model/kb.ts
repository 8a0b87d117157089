/**
 * The Knowledge Base index: token-based chunking (Bedrock's default: ~300 tokens, 20% overlap, breaking at sentence
 * boundaries and preferring paragraph breaks near the limit), BM25 over stemmed terms and cosine over the reference
 * embedding. HYBRID = 0.5 * semantic + 0.5 * BM25 / (best BM25 for the query); semantic = (1 + cosine) / 2.
 */
import type { KbChunk, KbDocument, KbHit, KbIndex } from './api.js';
import { embedInto } from './embed.js';
import { contentTerms, sentenceSpans } from './text.js';
import { countTokens } from '../../util/tokenizer.js';

export const KB_INDEX_FORMAT = 'ftrag-kb-index/v1';
export const KB_EMBEDDING_DIMENSIONS = 512;
const BM25_K1 = 1.2;
const BM25_B = 0.75;
/** A paragraph break is preferred over a later sentence break once the chunk holds this share of its budget. */
const PARAGRAPH_PREFERENCE = 0.75;

export interface ChunkingOptions {
  chunkTokens?: number;
  overlapPercent?: number;
}

interface Unit {
  start: number;
  end: number;
  tokens: number;
  paragraphStart: boolean;
}

/** Sentence units; a sentence longer than the chunk budget is cut into word runs that fit. */
function units(text: string, chunkTokens: number): Unit[] {
  const out: Unit[] = [];
  let prevEnd = 0;
  for (const s of sentenceSpans(text)) {
    const paragraphStart = out.length === 0 || /\n\s*\n/.test(text.slice(prevEnd, s.start));
    prevEnd = s.end;
    const tokens = countTokens(text.slice(s.start, s.end));
    if (tokens <= chunkTokens) {
      out.push({ start: s.start, end: s.end, tokens, paragraphStart });
      continue;
    }
    let pieceStart = -1;
    let pieceTokens = 0;
    let pieceEnd = s.start;
    let first = true;
    for (const w of text.slice(s.start, s.end).matchAll(/\S+/g)) {
      const ws = s.start + (w.index ?? 0);
      const wt = countTokens(' ' + w[0]);
      if (pieceStart >= 0 && pieceTokens + wt > chunkTokens) {
        out.push({ start: pieceStart, end: pieceEnd, tokens: pieceTokens, paragraphStart: paragraphStart && first });
        first = false;
        pieceStart = -1;
        pieceTokens = 0;
      }
      if (pieceStart < 0) pieceStart = ws;
      pieceTokens += wt;
      pieceEnd = ws + w[0].length;
    }
    if (pieceStart >= 0) out.push({ start: pieceStart, end: pieceEnd, tokens: pieceTokens, paragraphStart: paragraphStart && first });
  }
  return out;
}

export function chunkText(text: string, chunkTokens: number, overlapPercent: number): string[] {
  const us = units(text, chunkTokens);
  const overlap = Math.floor((chunkTokens * overlapPercent) / 100);
  const chunks: string[] = [];
  let i = 0;
  while (i < us.length) {
    let j = i;
    let total = 0;
    while (j < us.length && (j === i || total + us[j].tokens <= chunkTokens)) total += us[j++].tokens;
    if (j < us.length) {
      // Prefer to end at a paragraph break if one falls late enough in the chunk.
      let acc = 0;
      let para = -1;
      for (let p = i; p < j; p++) {
        if (p > i && us[p].paragraphStart && acc >= PARAGRAPH_PREFERENCE * chunkTokens) para = p;
        acc += us[p].tokens;
      }
      if (para > i) j = para;
    }
    chunks.push(text.slice(us[i].start, us[j - 1].end));
    if (j >= us.length) break;
    let k = j;
    let carried = 0;
    while (k - 1 > i && carried + us[k - 1].tokens <= overlap) carried += us[--k].tokens;
    i = k;
  }
  return chunks;
}

function basename(uri: string): string {
  const trimmed = uri.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return base === '' ? 'document' : base;
}

export function buildKbIndex(docs: KbDocument[], opts: ChunkingOptions = {}): KbIndex {
  const chunkTokens = Math.max(20, Math.floor(opts.chunkTokens ?? 300));
  const overlapPercent = Math.min(99, Math.max(0, opts.overlapPercent ?? 20));
  const chunks: KbChunk[] = [];
  const usedBases = new Map<string, string>();
  for (const doc of docs) {
    let base = basename(doc.uri);
    // Two documents with the same file name in different folders must not share chunk ids.
    const owner = usedBases.get(base);
    if (owner !== undefined && owner !== doc.uri) {
      let n = 2;
      while (usedBases.has(`${base}~${n}`)) n++;
      base = `${base}~${n}`;
    }
    usedBases.set(base, doc.uri);
    chunkText(doc.text, chunkTokens, overlapPercent).forEach((text, n) => {
      const chunk: KbChunk = { chunkId: `${base}#${n + 1}`, uri: doc.uri, text };
      if (doc.metadata) chunk.metadata = doc.metadata;
      chunks.push(chunk);
    });
  }
  return new ReferenceKbIndex(chunks, chunkTokens, overlapPercent);
}

export function loadKbIndex(json: unknown): KbIndex {
  const o = json as { format?: unknown; chunkTokens?: unknown; overlapPercent?: unknown; chunks?: unknown };
  if (typeof o !== 'object' || o === null || o.format !== KB_INDEX_FORMAT || !Array.isArray(o.chunks)) {
    throw new Error(`Knowledge Base index: expected format ${KB_INDEX_FORMAT} with a chunks array`);
  }
  const chunks = o.chunks.map((c, i) => {
    const k = c as KbChunk;
    if (typeof k !== 'object' || k === null || typeof k.chunkId !== 'string' || typeof k.uri !== 'string' || typeof k.text !== 'string') {
      throw new Error(`Knowledge Base index: chunks[${i}] needs string chunkId, uri and text`);
    }
    return k;
  });
  return new ReferenceKbIndex(chunks, Number(o.chunkTokens) || 300, Number(o.overlapPercent) || 0);
}

class ReferenceKbIndex implements KbIndex {
  private readonly embeddings: Float32Array;
  private readonly postings = new Map<string, { chunk: number; tf: number }[]>();
  private readonly lengths: Int32Array;
  private readonly avgLength: number;

  constructor(
    private readonly chunks: KbChunk[],
    private readonly chunkTokens: number,
    private readonly overlapPercent: number,
  ) {
    const d = KB_EMBEDDING_DIMENSIONS;
    this.embeddings = new Float32Array(chunks.length * d);
    this.lengths = new Int32Array(chunks.length);
    let totalLength = 0;
    chunks.forEach((c, i) => {
      this.embeddings.set(embedInto(c.text, d, true), i * d);
      const terms = contentTerms(c.text);
      this.lengths[i] = terms.length;
      totalLength += terms.length;
      const tf = new Map<string, number>();
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, n] of tf) {
        const list = this.postings.get(t);
        if (list) list.push({ chunk: i, tf: n });
        else this.postings.set(t, [{ chunk: i, tf: n }]);
      }
    });
    this.avgLength = chunks.length > 0 ? totalLength / chunks.length : 0;
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  retrieve(query: string, k: number, searchType: 'HYBRID' | 'SEMANTIC' = 'HYBRID'): KbHit[] {
    const n = this.chunks.length;
    const limit = Math.max(0, Math.floor(k));
    if (n === 0 || limit === 0) return [];
    const d = KB_EMBEDDING_DIMENSIONS;
    const q = embedInto(query, d, true);
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      const off = i * d;
      for (let j = 0; j < d; j++) dot += q[j] * this.embeddings[off + j];
      scores[i] = (1 + dot) / 2;
    }
    if (searchType === 'HYBRID') {
      const bm25 = this.bm25(query);
      let max = 0;
      for (const v of bm25) if (v > max) max = v;
      for (let i = 0; i < n; i++) scores[i] = 0.5 * scores[i] + 0.5 * (max > 0 ? bm25[i] / max : 0);
    }
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => scores[b] - scores[a] || compareIds(this.chunks[a].chunkId, this.chunks[b].chunkId));
    return order.slice(0, limit).map((i) => ({ chunk: this.chunks[i], score: Math.min(1, Math.max(1e-9, scores[i])) }));
  }

  private bm25(query: string): Float64Array {
    const n = this.chunks.length;
    const out = new Float64Array(n);
    for (const t of new Set(contentTerms(query))) {
      const list = this.postings.get(t);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const { chunk, tf } of list) {
        const norm = 1 - BM25_B + (BM25_B * this.lengths[chunk]) / (this.avgLength || 1);
        out[chunk] += (idf * tf * (BM25_K1 + 1)) / (tf + BM25_K1 * norm);
      }
    }
    return out;
  }

  toJSON(): unknown {
    return { format: KB_INDEX_FORMAT, chunkTokens: this.chunkTokens, overlapPercent: this.overlapPercent, chunks: this.chunks };
  }
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
