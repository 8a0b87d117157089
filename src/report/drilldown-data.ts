/**
 * The drill-down's data, built from the item stream in passes with bounded memory (no ItemResult[] of the run):
 *  1. `digestItems`: a filter index (per item its category; per item and system a flag byte and the primary score),
 *     the word index for search (drilldown-words.ts), each system's latencies and the lengths of every text.
 *  2. `encodeItems`: the items' texts in compact positional JSON (the shape in drilldown.ts), CHUNK_ITEMS items a
 *     chunk, each chunk gzip-compressed and base85-encoded (base85.ts), so the page decodes only the chunks it shows. Passages and
 *     URIs are shared tables (one compressed block). When the chunks would pass their share of PAGE_BUDGET_BYTES,
 *     texts are shortened to the longest cap that fits (chosen on sampled passes) and the pass runs again.
 */
import type { ItemResult, RunSummary } from '../schema/run-result.js';
import { isWrong } from './findings.js';
import type { ItemStream } from './item-stream.js';
import { WordIndex } from './drilldown-words.js';
import { gzipBase85 } from './base85.js';

/**
 * 250 items a chunk: a search's page of scattered matches decodes a quarter of what 1,000-item chunks cost, and the
 * file is smaller too (at 100k x 4, 5% smaller than 1,000: a chunk's question column stays within gzip's 32 KB window
 * of its answers, which repeat its words).
 */
export const CHUNK_ITEMS = 250;
/**
 * report.html stays under this (issue 20: one file under 25 MB at 100k items x 4 systems): the item chunks and passage
 * table get what the rest of the page (the filter and word indexes among it) leaves, unless even texts cut to
 * MIN_TEXT_CAP do not fit, when the file is larger rather than losing items.
 */
export const PAGE_BUDGET_BYTES = 24_500_000;
/** Above this many characters of unique passage text, each passage is shortened so the file stays small. */
export const PASSAGE_CHAR_BUDGET = 4_000_000;
export const PASSAGE_TRUNCATE_TO = 600;
/** The shortest a text is ever cut to when the budget forces it. */
export const MIN_TEXT_CAP = 80;

/** Flags of a result in a chunk. */
export const FLAG_WRONG = 1;
export const FLAG_ESTIMATED = 2;
export const FLAG_SHORTENED = 4;

/** Flags of a result in the filter index (0 = the system has no result for the item). */
export const IDX_PRESENT = 1;
export const IDX_WRONG = 2;
export const IDX_FAILED = 4;
/** A missing score or category in the index's Uint16 arrays. */
export const IDX_NONE = 0xffff;

export interface ItemDigest {
  n: number;
  systems: string[];
  metrics: string[];
  categories: string[];
  /** Index of the primary metric in `metrics`, -1 when absent. */
  primary: number;
  /** Per item: category index or IDX_NONE. */
  category: Uint16Array;
  /** Item-major, n × systems: IDX_* bits. */
  flags: Uint8Array;
  /** Item-major, n × systems: primary score × 10,000, IDX_NONE when none. */
  score: Uint16Array;
  /** Per system id: client latency of each successful result (ms), in item order. */
  latencies: Map<string, Float64Array>;
  /** Every prompt, reference and output length (characters), for the budget's cap. */
  textLengths: Map<number, number>;
  /** The word index block for search (drilldown-words.ts), uncompressed. */
  words: Buffer;
}

const round4 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10_000) / 10_000);
const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);

function primaryScore(run: RunSummary, r: ItemResult['results'][string]): number | null | undefined {
  return run.metrics.includes(run.primaryMetric) ? r.scores[run.primaryMetric] : r.scores.exact;
}

export async function digestItems(run: RunSummary, items: ItemStream, afterPass?: () => Promise<void>): Promise<ItemDigest> {
  const systems = run.systems.map((s) => s.id);
  const categories = [...run.evalSet.categories];
  // Columns sized for the run's items up front (grown only if the stream holds more): filled by push, 100k-long
  // arrays grew step by step, and every step left a large block for the collector (tens of MB at 100k x 4).
  let capacity = Math.max(16, run.evalSet.size);
  let category = new Uint16Array(capacity);
  const newSystem = () => ({ flags: new Uint8Array(capacity), score: new Uint16Array(capacity).fill(IDX_NONE), latencies: new Float64Array(capacity), answered: 0 });
  const perSystem = systems.map(newSystem);
  const grow = () => {
    const old = capacity;
    capacity *= 2;
    const widen = <T extends Uint8Array | Uint16Array | Float64Array>(a: T, fill: number): T => {
      const b = new (a.constructor as new (n: number) => T)(capacity);
      b.fill(fill);
      b.set(a.subarray(0, old));
      return b;
    };
    category = widen(category, 0);
    for (const s of perSystem) {
      s.flags = widen(s.flags, 0);
      s.score = widen(s.score, IDX_NONE);
      s.latencies = widen(s.latencies, 0);
    }
  };
  const textLengths = new Map<number, number>();
  const addLength = (s: string) => textLengths.set(s.length, (textLengths.get(s.length) ?? 0) + 1);
  const words = new WordIndex();
  let n = 0;
  for await (const it of items()) {
    if (n === capacity) grow();
    words.add(n, it.id, [it.prompt, ...it.references, ...Object.values(it.results).map((r) => r.output)]);
    if (it.category !== undefined && !categories.includes(it.category)) categories.push(it.category);
    category[n] = it.category === undefined ? IDX_NONE : categories.indexOf(it.category);
    addLength(it.prompt);
    it.references.forEach(addLength);
    for (const [sid, r] of Object.entries(it.results)) {
      let j = systems.indexOf(sid);
      if (j < 0) {
        j = systems.push(sid) - 1;
        perSystem.push(newSystem());
      }
      const failed = r.error !== undefined;
      const score = primaryScore(run, r);
      const column = perSystem[j];
      column.flags[n] = IDX_PRESENT | (isWrong(score, failed) ? IDX_WRONG : 0) | (failed ? IDX_FAILED : 0);
      column.score[n] = typeof score === 'number' && Number.isFinite(score) ? Math.round(Math.min(1, Math.max(0, score)) * 10_000) : IDX_NONE;
      if (!failed && typeof r.latencyMs === 'number') column.latencies[column.answered++] = r.latencyMs;
      addLength(r.output);
    }
    n++;
  }
  // The pass is over and left the garbage of every item it parsed; the index and the word block are built next.
  await afterPass?.();
  const S = systems.length;
  const flags = new Uint8Array(n * S);
  const score = new Uint16Array(n * S);
  for (let j = 0; j < S; j++) {
    for (let k = 0; k < n; k++) {
      flags[k * S + j] = perSystem[j].flags[k];
      score[k * S + j] = perSystem[j].score[k];
    }
  }
  const latencies = new Map(systems.map((sid, j) => [sid, perSystem[j].latencies.subarray(0, perSystem[j].answered)] as const));
  return { n, systems, metrics: [...run.metrics], categories, primary: run.metrics.indexOf(run.primaryMetric), category: category.slice(0, n), flags, score, latencies, textLengths, words: words.bytes() };
}

/** The longest cap whose shortened texts total at most `targetChars` (never below MIN_TEXT_CAP). */
export function capForChars(lengths: Map<number, number>, targetChars: number): number {
  const sorted = [...lengths.entries()].sort((a, b) => a[0] - b[0]);
  // chars(cap) = sum over texts of min(len, cap): walk caps up through the distinct lengths.
  let below = 0; // characters of texts no longer than the current length
  let countAbove = sorted.reduce((s, [, c]) => s + c, 0);
  let prev = 0;
  for (const [len, count] of sorted) {
    const atLen = below + countAbove * len;
    if (atLen > targetChars) {
      const cap = countAbove > 0 ? Math.floor((targetChars - below) / countAbove) : len;
      return Math.max(MIN_TEXT_CAP, Math.max(prev, cap));
    }
    below += len * count;
    countAbove -= count;
    prev = len;
  }
  return Infinity;
}

export function totalChars(lengths: Map<number, number>, cap = Infinity): number {
  let total = 0;
  for (const [len, count] of lengths) total += Math.min(len, cap) * count;
  return total;
}

class StringTable {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  add(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(value, i);
    }
    return i;
  }
}

export interface EncodedItems {
  /** base85 of gzip(JSON of ChunkColumns) per chunk of CHUNK_ITEMS items. */
  chunks: string[];
  /** base85 of gzip(JSON {x: passages, u: uris}). */
  passages: string;
  /** Characters every prompt, reference and answer was cut to, or null when nothing was shortened. */
  textCap: number | null;
  passagesShortened: boolean;
  bytes: number;
}

/**
 * One chunk, column by column (values of one kind side by side compress far better than item by item). Per item:
 * `i` id, `c` category index or -1, `q` prompt, `r` references; per system j, per item: `o[j]` output or null when the
 * system has no result, `s[j][metric]` score, `l` latency, `f` first token, `ti`/`to` tokens, `g` flags, `e` error,
 * `x` contexts [[passage, uri or -1, score]], `t` citations [[passage, [uri...]]]. The page turns it back into rows.
 */
export interface ChunkColumns {
  i: string[];
  c: number[];
  q: string[];
  r: string[][];
  o: Array<Array<string | null>>;
  s: Array<Array<Array<number | null>>>;
  l: Array<Array<number | null>>;
  f: Array<Array<number | null>>;
  ti: Array<Array<number | null>>;
  to: Array<Array<number | null>>;
  g: number[][];
  e: Array<Array<string | null>>;
  x: Array<Array<Array<[number, number, number | null]> | null>>;
  t: Array<Array<Array<[number, number[]]> | null>>;
}

/**
 * The drill-down's text chunks: at 10k items x 4 systems level 4 spends 289-299 ms in zlib where 6 spent 420-467 ms,
 * for a page 2.7% larger (3.98 MB against 3.87); level 1 saves little more (225-248 ms) for 11% more.
 */
const TEXT_GZIP_LEVEL = 4;
const gzip85 = (value: unknown) => gzipBase85(JSON.stringify(value), TEXT_GZIP_LEVEL);
const ms = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : Math.round(x));

function emptyChunk(S: number, M: number): ChunkColumns {
  const per = <T>() => Array.from({ length: S }, () => [] as T[]);
  return { i: [], c: [], q: [], r: [], o: per(), s: Array.from({ length: S }, () => Array.from({ length: M }, () => [])), l: per(), f: per(), ti: per(), to: per(), g: per(), e: per(), x: per(), t: per() };
}

/**
 * One encoding pass at text cap `cap`. With `sampleEvery` > 1 only every sampleEvery-th chunk is compressed and the
 * size is extrapolated (cheap passes to choose the cap); the passage table is always built in full.
 */
async function encodeOnce(run: RunSummary, items: ItemStream, d: ItemDigest, cap: number, sampleEvery = 1): Promise<EncodedItems> {
  const passages = new StringTable();
  const uris = new StringTable();
  const chunks: string[] = [];
  const S = d.systems.length;
  const M = d.metrics.length;
  let shortened = false;
  let sampledBytes = 0;
  let sampled = 0;
  let chunkCount = 0;
  const cut = (s: string) => {
    if (s.length <= cap) return s;
    shortened = true;
    return `${s.slice(0, cap)}…`;
  };
  let chunk = emptyChunk(S, M);
  const flush = () => {
    if (chunkCount % sampleEvery === 0) {
      const encoded = gzip85(chunk);
      sampledBytes += encoded.length;
      sampled++;
      if (sampleEvery === 1) chunks.push(encoded);
    }
    chunkCount++;
    chunk = emptyChunk(S, M);
  };
  for await (const it of items()) {
    const compress = chunkCount % sampleEvery === 0;
    chunk.i.push(it.id);
    chunk.c.push(it.category === undefined ? -1 : d.categories.indexOf(it.category));
    chunk.q.push(compress ? cut(it.prompt) : '');
    chunk.r.push(compress ? it.references.map(cut) : []);
    for (let j = 0; j < S; j++) {
      const r = it.results[d.systems[j]];
      const failed = r?.error !== undefined;
      const output = r && compress ? cut(r.output) : null;
      chunk.o[j].push(output);
      for (let m = 0; m < M; m++) chunk.s[j][m].push(r ? round4(r.scores[d.metrics[m]]) : null);
      chunk.l[j].push(ms(r?.latencyMs));
      chunk.f[j].push(ms(r?.firstTokenMs));
      chunk.ti[j].push(num(r?.inputTokens));
      chunk.to[j].push(num(r?.outputTokens));
      chunk.g[j].push(r ? (isWrong(primaryScore(run, r), failed) ? FLAG_WRONG : 0) | (r.tokensEstimated ? FLAG_ESTIMATED : 0) | (output !== null && output !== r.output ? FLAG_SHORTENED : 0) : 0);
      chunk.e[j].push(r?.error ? `${r.error.code}: ${r.error.message}` : null);
      chunk.x[j].push(r?.contexts?.length ? r.contexts.map((c) => [passages.add(c.text), c.uri === undefined ? -1 : uris.add(c.uri), round4(c.score)]) : null);
      chunk.t[j].push(r?.citations?.length ? r.citations.map((c) => [passages.add(c.text), c.uris.map((u) => uris.add(u))]) : null);
    }
    if (chunk.i.length === CHUNK_ITEMS) flush();
  }
  if (chunk.i.length) flush();
  const total = passages.values.reduce((n, p) => n + p.length, 0);
  const passagesShortened = total > PASSAGE_CHAR_BUDGET;
  const x = passagesShortened ? passages.values.map((p) => (p.length > PASSAGE_TRUNCATE_TO ? `${p.slice(0, PASSAGE_TRUNCATE_TO)}…` : p)) : passages.values;
  const table = gzip85({ x, u: uris.values });
  const bytes = (sampled ? (sampledBytes * chunkCount) / sampled : 0) + table.length;
  return { chunks, passages: table, textCap: shortened ? cap : null, passagesShortened, bytes };
}

/**
 * Encodes every item within `budget` bytes, shortening texts only as much as the budget needs: when the texts in full
 * do not fit, the cap is chosen by bisection on sampled passes (one chunk in SAMPLE_EVERY compressed), then checked
 * by the full pass (and lowered by a tenth until it fits, if the sample was optimistic).
 */
export async function encodeItems(run: RunSummary, items: ItemStream, d: ItemDigest, budget: number): Promise<EncodedItems> {
  const chunksTotal = Math.ceil(d.n / CHUNK_ITEMS);
  const sampleEvery = chunksTotal >= 40 ? 8 : chunksTotal >= 16 ? 4 : 1;
  const first = await encodeOnce(run, items, d, Infinity, sampleEvery);
  if (first.bytes <= budget) return sampleEvery === 1 ? first : encodeOnce(run, items, d, Infinity);
  let lo = MIN_TEXT_CAP;
  let hi = Math.max(MIN_TEXT_CAP, capForChars(d.textLengths, totalChars(d.textLengths) * 0.999));
  // Bisection on the cap: sizes grow with it; ~8 sampled passes pin it to within a few characters.
  for (let step = 0; step < 9 && hi - lo > 4; step++) {
    const mid = Math.floor((lo + hi) / 2);
    const trial = await encodeOnce(run, items, d, mid, sampleEvery);
    if (trial.bytes <= budget * 0.97) lo = mid;
    else hi = mid;
  }
  for (let cap = lo; ; cap = Math.max(MIN_TEXT_CAP, Math.floor(cap * 0.9))) {
    const encoded = await encodeOnce(run, items, d, cap);
    if (encoded.bytes <= budget || cap === MIN_TEXT_CAP) return encoded;
  }
}
