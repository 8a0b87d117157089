/**
 * The custom model's classifier: multinomial logistic regression from tf-idf weighted hashed prompt features to
 * answer templates, plus a fixed "abstain" class (none of the learned templates). Shared by training (train.ts)
 * and inference (generate.ts) so the model trained is exactly the model served.
 *
 * Sparse support: class c has weights only on the features that occurred in its own training prompts (the rest are
 * structurally zero). Candidate gating: the softmax runs over the (at most CANDIDATE_LIMIT) templates that share the
 * most IDF-weighted word features with the prompt, plus abstain. Both are part of the model's definition, applied
 * identically when training and serving, so the reported losses are the model's exact losses.
 */
import type { TrainedModel } from './api.js';
import { hashedPromptFeatures, weightAndNormalize, WORD_SPACE, type SparseVector } from './features.js';
import type { Template } from './templates.js';
import { mix32 } from './text.js';

export const MODEL_FORMAT = 'ftrag-reference-model/v1';
/** Fixed logit of "none of the learned templates": a learned template must beat e^2 ≈ 7.4 pseudo-classes to win. */
export const ABSTAIN_LOGIT = 2;
export const CANDIDATE_LIMIT = 64;
/** Posting-list entries visited when gathering candidates (rarest features first), bounding the cost of common words. */
const POSTING_BUDGET = 6000;

export interface Prediction {
  classIndex: number;
  probability: number;
  abstainProbability: number;
}

export class Classifier {
  private readonly postings = new Map<number, Int32Array>();

  constructor(
    readonly templates: Template[],
    /** offsets[c]..offsets[c+1] index class c's sorted support feature ids and weights. */
    readonly offsets: Int32Array,
    readonly supportIds: Int32Array,
    readonly weights: Float32Array,
    readonly exampleCount: number,
    /** idf of features seen in at least two training prompts. */
    readonly idfTable: Map<number, number>,
  ) {
    const lists = new Map<number, number[]>();
    for (let c = 0; c < templates.length; c++) {
      for (let k = offsets[c]; k < offsets[c + 1]; k++) {
        const id = supportIds[k];
        if (id >= WORD_SPACE) continue;
        const list = lists.get(id);
        if (list) list.push(c);
        else lists.set(id, [c]);
      }
    }
    for (const [id, list] of lists) this.postings.set(id, Int32Array.from(list));
  }

  /** Smooth idf, ln((1+N)/(1+df)) + 1; the table holds features with df >= 2, so absent ids have df 1 or 0. */
  idf(id: number): number {
    const known = this.idfTable.get(id);
    if (known !== undefined) return known;
    const df = this.postings.has(id) || id >= WORD_SPACE ? 1 : 0;
    return Math.log((1 + this.exampleCount) / (1 + df)) + 1;
  }

  vectorize(text: string): SparseVector {
    return weightAndNormalize(hashedPromptFeatures(text), (id) => this.idf(id));
  }

  /** Templates sharing the most weighted word features with x, best first, ties by class index. */
  candidates(x: SparseVector, limit = CANDIDATE_LIMIT): number[] {
    const gating: number[] = [];
    for (let j = 0; j < x.ids.length; j++) if (x.ids[j] < WORD_SPACE && this.postings.has(x.ids[j])) gating.push(j);
    gating.sort((a, b) => (this.postings.get(x.ids[a]) as Int32Array).length - (this.postings.get(x.ids[b]) as Int32Array).length || a - b);
    const scores = new Map<number, number>();
    let visited = 0;
    for (const j of gating) {
      const list = this.postings.get(x.ids[j]) as Int32Array;
      if (visited > 0 && visited + list.length > POSTING_BUDGET) break;
      for (const c of list) scores.set(c, (scores.get(c) ?? 0) + x.values[j]);
      visited += list.length;
    }
    // Ties (templates sharing only the same common words) are broken by a hash of prompt and class, not by class
    // index: a fixed low-index set would otherwise be every prompt's negatives and be pushed down systematically.
    let salt = 0x9e3779b9;
    for (const id of x.ids) salt = mix32(salt ^ id);
    return [...scores.entries()]
      .sort((a, b) => b[1] - a[1] || mix32(salt ^ a[0]) - mix32(salt ^ b[0]) || a[0] - b[0])
      .slice(0, limit)
      .map((e) => e[0]);
  }

  /**
   * Pairs (x position, weight index) where x's features meet class c's support, written to out; returns the count.
   * out must hold 2 * x.ids.length entries.
   */
  match(x: SparseVector, c: number, out: Int32Array): number {
    let lo = this.offsets[c];
    const hi = this.offsets[c + 1];
    let n = 0;
    for (let j = 0; j < x.ids.length && lo < hi; j++) {
      const id = x.ids[j];
      // Both lists are sorted: binary search from the last hit keeps this O(|x| log |support|).
      let a = lo;
      let b = hi;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (this.supportIds[mid] < id) a = mid + 1;
        else b = mid;
      }
      if (a < hi && this.supportIds[a] === id) {
        out[n * 2] = j;
        out[n * 2 + 1] = a;
        n++;
        lo = a + 1;
      } else lo = a;
    }
    return n;
  }

  logit(x: SparseVector, c: number, scratch: Int32Array): number {
    const n = this.match(x, c, scratch);
    let z = 0;
    for (let k = 0; k < n; k++) z += x.values[scratch[k * 2]] * this.weights[scratch[k * 2 + 1]];
    return z;
  }

  /** Softmax over the candidates plus abstain; probabilities[i] belongs to candidates[i]. */
  distribution(x: SparseVector, candidates: number[]): { probabilities: number[]; abstain: number } {
    const scratch = new Int32Array(2 * x.ids.length);
    const z = candidates.map((c) => this.logit(x, c, scratch));
    return softmaxWithAbstain(z);
  }

  predict(text: string): Prediction | undefined {
    const x = this.vectorize(text);
    const cands = this.candidates(x);
    if (cands.length === 0) return undefined;
    const { probabilities, abstain } = this.distribution(x, cands);
    let best = 0;
    for (let i = 1; i < cands.length; i++) if (probabilities[i] > probabilities[best]) best = i;
    return { classIndex: cands[best], probability: probabilities[best], abstainProbability: abstain };
  }
}

export function softmaxWithAbstain(z: number[]): { probabilities: number[]; abstain: number } {
  let m = ABSTAIN_LOGIT;
  for (const v of z) if (v > m) m = v;
  let denom = Math.exp(ABSTAIN_LOGIT - m);
  const e = z.map((v) => Math.exp(v - m));
  for (const v of e) denom += v;
  return { probabilities: e.map((v) => v / denom), abstain: Math.exp(ABSTAIN_LOGIT - m) / denom };
}

// ---- persistence: typed arrays as base64 so 10k examples stay a few MB ----

function b64(a: Int32Array | Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromB64<T extends Int32Array | Float32Array>(s: unknown, Ctor: { new (b: ArrayBuffer): T }, what: string): T {
  if (typeof s !== 'string') throw new Error(`reference model: ${what} is missing`);
  const buf = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(buf.byteLength);
  new Uint8Array(copy).set(buf);
  return new Ctor(copy);
}

export function serializeClassifier(c: Classifier, meta: Record<string, unknown>): TrainedModel {
  const idfIds: number[] = [];
  const idfValues: number[] = [];
  for (const [id, v] of [...c.idfTable.entries()].sort((a, b) => a[0] - b[0])) {
    idfIds.push(id);
    idfValues.push(v);
  }
  return {
    format: MODEL_FORMAT,
    exampleCount: c.exampleCount,
    templates: c.templates,
    offsets: b64(c.offsets),
    supportIds: b64(c.supportIds),
    weights: b64(c.weights),
    idfIds: b64(Int32Array.from(idfIds)),
    idfValues: b64(Float32Array.from(idfValues)),
    ...meta,
  };
}

const cache = new WeakMap<object, Classifier>();

/** The runtime classifier of a persisted model (cached per object, so serving does not re-decode weights). */
export function loadClassifier(model: TrainedModel): Classifier {
  const hit = cache.get(model);
  if (hit) return hit;
  if (model.format !== MODEL_FORMAT) throw new Error(`reference model: unknown format ${String(model.format)}`);
  const templates = model.templates;
  if (!Array.isArray(templates)) throw new Error('reference model: templates missing');
  const idfIds = fromB64(model.idfIds, Int32Array, 'idfIds');
  const idfValues = fromB64(model.idfValues, Float32Array, 'idfValues');
  const idf = new Map<number, number>();
  idfIds.forEach((id, i) => idf.set(id, idfValues[i]));
  const classifier = new Classifier(
    templates as Template[],
    fromB64(model.offsets, Int32Array, 'offsets'),
    fromB64(model.supportIds, Int32Array, 'supportIds'),
    fromB64(model.weights, Float32Array, 'weights'),
    Number(model.exampleCount) || 0,
    idf,
  );
  cache.set(model, classifier);
  return classifier;
}
