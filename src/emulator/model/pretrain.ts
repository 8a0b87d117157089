/**
 * Continued pre-training of the reference model: learning from unlabeled `{"input"}` text.
 *
 * The model memorises sentences. Every sentence of the uploaded text is a memory unit whose key is its own content
 * terms plus, at half weight, the terms of the heading or lead-in line above it in the same record (the context a
 * language model reads the sentence in). Training is a denoising objective by mini-batch SGD: each epoch, each unit
 * is shown a seeded random part of its key (KEEP_SHARE of its terms) and must pick itself out against the units that
 * share those terms and an abstain option (softmax cross-entropy, the same step rule, warm-up and AdaGrad scaling as
 * fine-tuning in train.ts). The weights are one fixed table of MEMORY_SLOTS cells addressed by hash(term, unit):
 * a fixed parameter budget, so the more text is memorised the more keys collide and interfere, and recall falls
 * with corpus size. Epochs and the learning rate decide how far the weights grow, so under-training recalls little.
 *
 * Asked a question with no context, the model scores the units sharing its terms; if one wins with probability
 * >= RECALL_THRESHOLD, the recalled text (lead-in + sentence) goes to the ordinary extractive reader with the
 * question, as if it were context. So a custom model can only ever answer with text it was trained on, and only for
 * questions that share enough of a sentence's words. It never sees eval questions. Limits: docs/reference-model.md.
 */
import type { HyperParameters, TrainedModel, TrainingOutcome, TrainingStep } from './api.js';
import { softmaxWithAbstain } from './classifier.js';
import { contentTerms, hashString, sentenceSpans, seededRandom } from './text.js';
import { LossCurve } from './loss-curve.js';
import { LOSS_CAP, UNSEEN_SHARE } from './train.js';

export const MEMORY_FORMAT = 'ftrag-sentence-memory/v1';
/** The memory's fixed size (weights). About 8-15 key terms per sentence: a few thousand sentences fill it. */
export const MEMORY_SLOTS = 1 << 15;
/** Step per example at the base model's default learning rate (before AdaGrad; keys are L2-normalized). */
export const CPT_STEP = 5;
/** In a training view, each own term outside the masked run is dropped with this probability, */
export const DROP_SHARE = 0.15;
/** and each context (title, lead-in) term with this one. */
export const CONTEXT_DROP_SHARE = 0.2;
/** A unit is recalled only when it is surer than abstaining and has at least this probability. */
export const RECALL_THRESHOLD = 0.3;
/** Weight of a lead-in line's terms in the key of the sentences under it. */
const LEAD_IN_WEIGHT = 0.5;
/** Units competing in one softmax: the ones sharing the most key weight with the view. */
const CANDIDATES = 32;
/** Postings read per view term when gathering candidates (a term in every sentence says little). */
const POSTINGS_READ = 400;

interface Unit {
  /** What recall hands the reader: lead-in line (if any) and the sentence. */
  text: string;
  sentence: string;
  /** Key terms and their weights (own terms 1, lead-in terms LEAD_IN_WEIGHT). */
  terms: Map<string, number>;
  /** The sentence's own terms in text order (what a training view masks a run of). */
  own: string[];
}

interface Memory {
  units: Unit[];
  weights: Float32Array;
  postings: Map<string, number[]>;
  idf: Map<string, number>;
}

interface View {
  terms: string[];
  values: number[];
}

/** Units of the texts: sentences (each with the lead-in above it), duplicates kept once. */
export function memoryUnits(texts: string[]): Unit[] {
  const units: Unit[] = [];
  const seen = new Set<string>();
  for (const text of texts) {
    // The record's title (a heading on its first line) and the latest lead-in line: what the sentence is read under.
    let title = '';
    let leadIn = '';
    let first = true;
    for (const s of sentenceSpans(text)) {
      const raw = text.slice(s.start, s.end);
      const sentence = raw.replace(/^[#>*\-\s]+/, '').trim();
      if (isLeadIn(raw)) {
        if (first && /^#/.test(raw.trim())) title = sentence;
        else leadIn = sentence.replace(/:$/, '');
        first = false;
        continue;
      }
      first = false;
      const own = [...new Set(contentTerms(sentence))];
      if (own.length < 2) continue;
      const context = [title, leadIn].filter((x) => x !== '');
      const key = `${context.join('\u0000')}\u0000${sentence}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const terms = new Map<string, number>();
      for (const c of context) for (const t of contentTerms(c)) terms.set(t, LEAD_IN_WEIGHT);
      for (const t of own) terms.set(t, 1);
      // One line, so the reader weighs the context words as part of the sentence they belong to.
      units.push({ text: [...context, sentence].join(': '), sentence, terms, own: own.filter((t) => terms.get(t) === 1) });
    }
  }
  return units;
}

/** A heading (`# ...`) or a line that introduces what follows (ends with a colon). */
function isLeadIn(line: string): boolean {
  const t = line.trim();
  return /^#{1,6}\s/.test(t) || (t.endsWith(':') && t.length < 200);
}

function buildMemory(units: Unit[], weights?: Float32Array): Memory {
  const postings = new Map<string, number[]>();
  units.forEach((u, i) => {
    for (const t of u.terms.keys()) {
      const list = postings.get(t);
      if (list) list.push(i);
      else postings.set(t, [i]);
    }
  });
  const n = units.length;
  const idf = new Map<string, number>();
  for (const [t, list] of postings) idf.set(t, Math.log(1 + n / list.length));
  return { units, weights: weights ?? new Float32Array(MEMORY_SLOTS), postings, idf };
}

function slot(term: string, unit: number): number {
  return hashString(`${term}\u0001${unit}`) & (MEMORY_SLOTS - 1);
}

/** A view as an L2-normalized vector; a term the memory never saw still counts in the norm (it is unexplained). */
function vectorize(m: Memory, weighted: [string, number][]): View {
  const unseenIdf = Math.log(1 + Math.max(1, m.units.length));
  let norm = 0;
  const terms: string[] = [];
  const values: number[] = [];
  for (const [t, w] of weighted) {
    const idf = m.idf.get(t);
    const v = w * (idf ?? unseenIdf);
    norm += v * v;
    if (idf !== undefined) {
      terms.push(t);
      values.push(v);
    }
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return { terms, values: values.map((v) => v * scale) };
}

/** The units sharing the most (weighted) view terms, best first; ties by unit index. */
function candidates(m: Memory, view: View, must?: number): number[] {
  const overlap = new Map<number, number>();
  view.terms.forEach((t, k) => {
    const list = m.postings.get(t) ?? [];
    for (let i = 0; i < Math.min(list.length, POSTINGS_READ); i++) overlap.set(list[i], (overlap.get(list[i]) ?? 0) + view.values[k]);
  });
  const ranked = [...overlap.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([u]) => u);
  const out = ranked.slice(0, CANDIDATES);
  if (must !== undefined && !out.includes(must)) out[out.length > 0 && out.length >= CANDIDATES ? CANDIDATES - 1 : out.length] = must;
  return out;
}

function score(m: Memory, view: View, unit: number): number {
  let z = 0;
  for (let k = 0; k < view.terms.length; k++) z += view.values[k] * m.weights[slot(view.terms[k], unit)];
  return z;
}

function distribution(m: Memory, view: View, cands: number[]): { probabilities: number[]; abstain: number } {
  return softmaxWithAbstain(cands.map((u) => score(m, view, u)));
}

/**
 * A seeded training view of a unit: one contiguous run of its own terms masked (up to a third of them, as a question
 * leaves out what it asks for), each other own term dropped with DROP_SHARE and each context term with
 * CONTEXT_DROP_SHARE. At least two terms stay.
 */
function trainingView(unit: Unit, rand: () => number): [string, number][] {
  const own = unit.own;
  const span = 1 + Math.floor(rand() * Math.max(1, Math.ceil(own.length / 3)));
  const from = Math.floor(rand() * Math.max(1, own.length - span + 1));
  const kept: [string, number][] = [];
  own.forEach((t, i) => {
    if ((i < from || i >= from + span) && rand() >= DROP_SHARE) kept.push([t, unit.terms.get(t)!]);
  });
  for (const [t, w] of unit.terms) if (w < 1 && rand() >= CONTEXT_DROP_SHARE) kept.push([t, w]);
  if (kept.length >= Math.min(2, unit.terms.size)) return kept;
  return [...unit.terms.entries()].slice(0, 2);
}

export async function pretrainModel(
  texts: string[],
  validationTexts: string[],
  hyper: HyperParameters,
  opts: { seed: number; baseDefaultLearningRate: number; onStep?: (s: TrainingStep) => void; signal?: AbortSignal },
): Promise<TrainingOutcome> {
  const epochs = Math.max(1, Math.floor(hyper.epochCount));
  const batchSize = Math.max(1, Math.floor(hyper.batchSize));
  const lrRatio = opts.baseDefaultLearningRate > 0 ? Math.max(0, hyper.learningRate) / opts.baseDefaultLearningRate : 1;
  const warmup = Math.max(0, Math.floor(hyper.learningRateWarmupSteps));
  const memory = buildMemory(memoryUnits(texts));
  const byText = new Map(memory.units.map((u, i) => [u.text, i]));
  const validation = memoryUnits(validationTexts);
  const sumSq = new Float32Array(MEMORY_SLOTS).fill(1);

  const curve = new LossCurve(opts.onStep);
  const validationCurve: TrainingStep[] = [];
  const n = memory.units.length;
  for (let epoch = 1; epoch <= epochs && n > 0; epoch++) {
    const rand = seededRandom((opts.seed ^ Math.imul(epoch, 0x9e3779b9)) >>> 0);
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    curve.startEpoch();
    for (let start = 0; start < n; start += batchSize) {
      if (opts.signal?.aborted) throw abortError();
      const grads = new Map<number, number>();
      let batchLoss = 0;
      const end = Math.min(n, start + batchSize);
      for (let b = start; b < end; b++) {
        const target = order[b];
        const view = vectorize(memory, trainingView(memory.units[target], rand));
        const cands = candidates(memory, view, target);
        const { probabilities } = distribution(memory, view, cands);
        cands.forEach((u, i) => {
          const g = probabilities[i] - (u === target ? 1 : 0);
          if (u === target) batchLoss += -Math.log(Math.max(probabilities[i], 1e-12));
          view.terms.forEach((t, k) => {
            const s = slot(t, u);
            grads.set(s, (grads.get(s) ?? 0) + (g * view.values[k]) / (end - start));
          });
        });
      }
      batchLoss /= end - start;
      const scale = CPT_STEP * batchSize * lrRatio * (warmup > 0 ? Math.min(1, (curve.step + 1) / warmup) : 1);
      for (const [s, g] of grads) {
        memory.weights[s] -= (scale * g) / Math.sqrt(sumSq[s]);
        sumSq[s] += g * g;
      }
      await curve.record(epoch, batchLoss);
    }
    if (validation.length > 0) validationCurve.push({ step: curve.step - 1, epoch, loss: validationLoss(memory, validation, byText) });
  }
  const model: TrainedModel = {
    format: MEMORY_FORMAT,
    texts,
    weights: Buffer.from(memory.weights.buffer, memory.weights.byteOffset, memory.weights.byteLength).toString('base64'),
    trainedOn: { units: n, epochs, batchSize, lrRatio, warmup, seed: opts.seed, slots: MEMORY_SLOTS },
  };
  return {
    model,
    trainingCurve: curve.points,
    validationCurve,
    finalTrainingLoss: curve.finalLoss(),
    finalValidationLoss: validationCurve.length > 0 ? validationCurve[validationCurve.length - 1].loss : undefined,
  };
}

/** Held-out text: how surely the memory recognises each validation sentence from its whole key (unseen ones: abstain). */
function validationLoss(m: Memory, units: Unit[], byText: Map<string, number>): number {
  let total = 0;
  for (const u of units) {
    const target = byText.get(u.text);
    const view = vectorize(m, [...u.terms.entries()]);
    const cands = candidates(m, view, target);
    const { probabilities, abstain } = distribution(m, view, cands);
    const i = target === undefined ? -1 : cands.indexOf(target);
    const p = i >= 0 ? probabilities[i] : abstain * UNSEEN_SHARE;
    total += Math.min(LOSS_CAP, -Math.log(Math.max(p, 1e-300)));
  }
  return total / units.length;
}

export function isSentenceMemory(model: TrainedModel | undefined): boolean {
  return model?.format === MEMORY_FORMAT;
}

const cache = new WeakMap<object, Memory>();

function loadMemory(model: TrainedModel): Memory {
  const hit = cache.get(model);
  if (hit) return hit;
  if (!Array.isArray(model.texts) || typeof model.weights !== 'string') throw new Error('reference model: sentence memory is incomplete');
  const buf = Buffer.from(model.weights, 'base64');
  const copy = new ArrayBuffer(buf.byteLength);
  new Uint8Array(copy).set(buf);
  const memory = buildMemory(memoryUnits(model.texts as string[]), new Float32Array(copy));
  cache.set(model, memory);
  return memory;
}

/** The memorised text a question recalls (lead-in + sentence) and how surely, or undefined when nothing wins. */
export function recallText(model: TrainedModel, question: string): { text: string; probability: number } | undefined {
  const m = loadMemory(model);
  const terms = [...new Set(contentTerms(question))];
  if (terms.length === 0 || m.units.length === 0) return undefined;
  const view = vectorize(m, terms.map((t) => [t, 1]));
  const cands = candidates(m, view);
  if (cands.length === 0) return undefined;
  const { probabilities, abstain } = distribution(m, view, cands);
  let best = 0;
  for (let i = 1; i < cands.length; i++) if (probabilities[i] > probabilities[best]) best = i;
  if (probabilities[best] < RECALL_THRESHOLD || probabilities[best] <= abstain) return undefined;
  return { text: m.units[cands[best]].text, probability: probabilities[best] };
}

function abortError(): Error {
  const err = new Error('training stopped');
  err.name = 'AbortError';
  return err;
}
